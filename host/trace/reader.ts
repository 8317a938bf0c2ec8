// Streaming trace reader (docs/trace.md): yields one checked line at a time, so memory does
// not grow with the trace. Every fault is an InputError naming the file and line (a binary
// trace, read through binary-lines.ts: the byte offset and record).
import { readSync, closeSync } from 'node:fs';
import { InputError } from '../errors.js';
import type { EventRecord } from '../engine/engine.js';
import { Fields } from './jsonl-fields.js';
import { answerOps, callFrom, endFrom, eventFrom, faultFrom, logFrom, resultFrom, swapFrom, type PlatformShape } from './jsonl-lines.js';
import { TraceOrder } from './trace-order.js';
import { TRACE_FORMAT, TRACE_VERSIONS } from './lines.js';
import { recordedManifest, type RecordedPolicy } from './trace-manifest.js';
import { openTrace } from './open-trace.js';
import { jsonlLines, lineText } from './jsonl-source.js';
import { BinaryCursor } from './binary-cursor.js';
import { headerOf, readBinaryTrace } from './binary-lines.js';

export interface TraceHeader {
  t: 'header';
  format: string;
  version: number;
  abi: string;
  host: string;
  backend: string;
  policy: RecordedPolicy;
  limits: { fuel: number; opCap: number; log?: boolean };
  platform: unknown;
}

export type TraceLine =
  | { t: 'call'; line: number; n: number; op: string; buf: number; size?: string; devices?: string[]; cpu?: string; protected?: boolean; name?: string | null; deferred?: boolean; device?: string; access?: string }
  | { t: 'event'; line: number; raw: string; ev: EventRecord }
  | { t: 'answer'; line: number; raw: string; i: number }
  | { t: 'fault'; line: number; i: number; kind: string; message: string }
  | { t: 'result'; line: number; i: number; op: number; ok: boolean; fd?: number; errno?: number; code?: string }
  | { t: 'log'; line: number; raw: string; i: number; fd: number; text: string }
  | { t: 'swap'; line: number; i: number; reason: string; policy: TraceHeader['policy'] }
  | { t: 'end'; line: number; calls: number; events: number };

/** The first line of a file (for a header check before streaming), read in small pieces. */
export function readFirstLine(file: string): string | undefined {
  const fd = openTrace(file);
  try {
    const chunks: Buffer[] = [];
    const piece = Buffer.alloc(1 << 16);
    for (;;) {
      const n = readSync(fd, piece, 0, piece.length, null);
      if (n === 0) break;
      const nl = piece.subarray(0, n).indexOf(10);
      if (nl >= 0) { chunks.push(Buffer.from(piece.subarray(0, nl))); break; }
      chunks.push(Buffer.from(piece.subarray(0, n)));
    }
    const line = Buffer.concat(chunks);
    return line.length ? lineText(line, file, 1) : undefined;
  } finally {
    closeSync(fd);
  }
}

/** Whether `file` is a binary trace (starting with the HWTRACE magic) rather than JSON Lines, from its first byte. */
export function isBinaryTraceFile(file: string): boolean {
  const fd = openTrace(file);
  try {
    const head = Buffer.alloc(1);
    const n = readSync(fd, head, 0, 1, 0);
    if (n > 0 && head[0] !== 0x7b && head[0] !== 0x48) throw new InputError(file, 'byte 0', 'neither a JSON Lines trace (starts with "{") nor a binary one (starts with HWTRACE)');
    // "H" commits to the binary reader, which then names what is wrong with the magic.
    return n > 0 && head[0] === 0x48;
  } finally {
    closeSync(fd);
  }
}

/** The header of a trace in either encoding. */
export function readTraceHeader(file: string): TraceHeader {
  if (!isBinaryTraceFile(file)) return parseHeader(readFirstLine(file), file);
  const c = new BinaryCursor(file);
  try {
    if (!c.next()) throw new InputError(file, 'byte 12', 'empty trace');
    return headerOf(c);
  } finally {
    c.close();
  }
}

/** Version 2 records each policy's manifest (null: none); version 1 has no such key. */
function checkRecordedManifest(p: RecordedPolicy, version: number, file: string, where: string): void {
  if (version < 2) {
    if (p.manifest !== undefined) throw new InputError(file, where, 'a version 1 trace records no manifest');
    return;
  }
  if (p.manifest === undefined) throw new InputError(file, where, 'policy lacks its manifest (null when it has none)');
  recordedManifest(p.manifest, file, where);
}

/** Reads the header line; refuses other formats and versions with the line number. */
export function parseHeader(text: string | undefined, file: string): TraceHeader {
  if (text === undefined) throw new InputError(file, '', 'empty trace');
  let h: TraceHeader;
  try {
    h = JSON.parse(text);
  } catch {
    throw new InputError(file, 'line 1', 'not JSON: a trace starts with a header line');
  }
  if (h?.t !== 'header' || h.format !== TRACE_FORMAT) throw new InputError(file, 'line 1', `not a heapwise trace (first line must be a "${TRACE_FORMAT}" header)`);
  if (!TRACE_VERSIONS.includes(h.version)) throw new InputError(file, 'line 1', `trace format version ${h.version}; this reader knows versions ${TRACE_VERSIONS.join(' and ')}`);
  if (typeof h.policy?.sha256 !== 'string' || typeof h.platform !== 'object') throw new InputError(file, 'line 1', 'header lacks policy or platform');
  checkRecordedManifest(h.policy, h.version, file, 'line 1');
  const f = new Fields(file).at(h as unknown as Record<string, unknown>, 1);
  const limits = f.object('limits');
  f.u32('limits.fuel', limits.fuel);
  f.u32('limits.opCap', limits.opCap);
  if (limits.log !== undefined) f.bool('limits.log', limits.log);
  return h;
}

/**
 * Streams a trace: the header first, then every line, checking that call and event indexes
 * increase by one, that answers and results follow their event, and that the trace ends.
 */
export async function* readTrace(file: string, onBytes?: (bytes: number) => void): AsyncGenerator<TraceHeader | TraceLine> {
  if (isBinaryTraceFile(file)) {
    yield* readBinaryTrace(file, onBytes);
    return;
  }
  const order = new TraceOrder();
  const f = new Fields(file);
  let shape: PlatformShape = { devices: new Set(), heaps: 0 };
  let n = 0;
  let version = 0;
  const check = (at: string, wrong: string | null) => {
    if (wrong) throw new InputError(file, at, wrong);
  };
  for await (const { text, n: lineNo, bytes } of jsonlLines(file)) {
    n = lineNo;
    if (onBytes && (n & 4095) === 0) onBytes(bytes);
    if (n === 1) {
      const h = parseHeader(text, file);
      version = h.version;
      shape = platformShape(h);
      yield h;
      continue;
    }
    const at = `line ${n}`;
    if (order.done) throw new InputError(file, at, 'content after the end line');
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(text);
    } catch {
      throw new InputError(file, at, `corrupted line (not JSON): ${text.slice(0, 60)}`);
    }
    if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new InputError(file, at, 'not a JSON object');
    f.at(o, n);
    switch (o.t) {
      case 'call': {
        const c = callFrom(f, shape);
        check(at, order.call(c.n));
        yield c;
        break;
      }
      case 'event': {
        const ev = eventFrom(f, shape);
        check(at, order.event(ev.index, ev.call));
        yield { t: 'event', line: n, raw: text, ev };
        break;
      }
      case 'answer': {
        const ops = answerOps(f, shape);
        check(at, order.answer(o.i as number, ops));
        yield { t: 'answer', line: n, raw: text, i: o.i as number };
        break;
      }
      case 'fault': {
        const l = faultFrom(f);
        check(at, order.fault(l.i));
        yield l;
        break;
      }
      case 'result': {
        const l = resultFrom(f);
        check(at, order.result(l.i, l.op, l.ok));
        yield l;
        break;
      }
      case 'log': {
        const l = logFrom(f, text);
        check(at, order.log(l.i));
        yield l;
        break;
      }
      case 'swap': {
        const l = swapFrom(f);
        check(at, order.swap(l.i));
        checkRecordedManifest(l.policy, version, file, at);
        yield l;
        break;
      }
      case 'end': {
        const l = endFrom(f);
        check(at, order.end(l.calls, l.events));
        yield l;
        break;
      }
      default:
        throw new InputError(file, at, `unknown line type ${JSON.stringify(o.t)}`);
    }
  }
  if (n === 0) throw new InputError(file, '', 'empty trace');
  if (!order.done) throw new InputError(file, `line ${n}`, `truncated: no end line after ${n} lines`);
}

/** The header platform's device names and heap count, which lines are checked against. */
export function platformShape(h: TraceHeader): PlatformShape {
  const p = h.platform as { devices?: { name?: unknown }[]; heaps?: unknown[] };
  return { devices: new Set(Array.isArray(p.devices) ? p.devices.map((d) => String(d?.name)) : []), heaps: Array.isArray(p.heaps) ? p.heaps.length : 0 };
}
