// Streaming trace reader (docs/trace.md): yields one checked line at a time, so memory does
// not grow with the trace. Every fault is an InputError naming the file and line (a binary
// trace, read through binary-lines.ts: the byte offset and record).
import { createReadStream, readSync, closeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { EventKind, NONE } from '../abi/generated.js';
import { InputError } from '../errors.js';
import type { EventRecord } from '../engine/engine.js';
import { TRACE_FORMAT, TRACE_VERSIONS } from './lines.js';
import { recordedManifest, type RecordedPolicy } from './trace-manifest.js';
import { openTrace } from './open-trace.js';
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

const KIND: Record<string, number> = Object.fromEntries(Object.entries(EventKind).map(([k, v]) => [k, v]));
const u64 = (s: unknown, file: string, line: number, field: string): bigint => {
  if (typeof s !== 'string' || !/^\d+$/.test(s)) throw new InputError(file, `line ${line}`, `${field} must be a decimal string, got ${JSON.stringify(s)}`);
  const v = BigInt(s);
  if (v >= 1n << 64n) throw new InputError(file, `line ${line}`, `${field} does not fit in 64 bits`);
  return v;
};
const int = (v: unknown, file: string, line: number, field: string, min = 0): number => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > 0xffffffff) throw new InputError(file, `line ${line}`, `${field} must be an integer, got ${JSON.stringify(v)}`);
  return v;
};
const idx = (v: unknown, file: string, line: number, field: string) => {
  const n = int(v, file, line, field, -1);
  return n === -1 ? NONE : n;
};

function eventFrom(o: Record<string, unknown>, file: string, line: number): EventRecord {
  const kind = KIND[o.kind as string];
  if (kind === undefined) throw new InputError(file, `line ${line}`, `unknown event kind ${JSON.stringify(o.kind)}`);
  if (typeof o.state !== 'string' || !/^[0-9a-f]{64}$/.test(o.state)) throw new InputError(file, `line ${line}`, 'state must be 64 lowercase hex digits');
  if (typeof o.name !== 'string') throw new InputError(file, `line ${line}`, 'name must be a string');
  const usage = o.usage === null ? null : Array.isArray(o.usage) ? o.usage.map((u, k) => u64(u, file, line, `usage[${k}]`)) : (() => { throw new InputError(file, `line ${line}`, 'usage must be an array or null'); })();
  return {
    index: int(o.i, file, line, 'i'), call: int(o.n, file, line, 'n', -1), kind, buf: int(o.buf, file, line, 'buf'),
    device: idx(o.device, file, line, 'device'), access: int(o.access, file, line, 'access'),
    size: u64(o.size, file, line, 'size'), devices: u64(o.devices, file, line, 'devices'), failedHeaps: u64(o.failedHeaps, file, line, 'failedHeaps'),
    heap: idx(o.heap, file, line, 'heap'), cpu: int(o.cpu, file, line, 'cpu'), flags: int(o.flags, file, line, 'flags'),
    lastErrno: int(o.lastErrno, file, line, 'lastErrno'), name: new TextEncoder().encode(o.name), usage,
    state: Uint8Array.from(Buffer.from(o.state, 'hex')),
  };
}

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
    const line = Buffer.concat(chunks).toString('utf8');
    return line.length ? line : undefined;
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
  if (text === undefined) throw new InputError(file, 'line 1', 'empty trace');
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
  if (!Number.isInteger(h.limits?.fuel) || !Number.isInteger(h.limits?.opCap)) throw new InputError(file, 'line 1', 'header lacks limits {fuel, opCap}');
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
  const stream = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let n = 0;
  let nextCall = 0;
  let nextEvent = 0;
  let lastEvent = -1;
  let ended = false;
  let bytes = 0;
  let version = 0;
  try {
    for await (const text of lines) {
      n++;
      bytes += text.length + 1;
      if (onBytes && (n & 4095) === 0) onBytes(bytes);
      if (n === 1) {
        const h = parseHeader(text, file);
        version = h.version;
        yield h;
        continue;
      }
      if (ended) throw new InputError(file, `line ${n}`, 'content after the end line');
      let o: Record<string, unknown>;
      try {
        o = JSON.parse(text);
      } catch {
        throw new InputError(file, `line ${n}`, `corrupted line (not JSON): ${text.slice(0, 60)}`);
      }
      const at = `line ${n}`;
      switch (o.t) {
        case 'call': {
          if (o.n !== nextCall) throw new InputError(file, at, `call ${String(o.n)} out of order (expected ${nextCall})`);
          nextCall++;
          yield { ...(o as object), line: n } as TraceLine;
          break;
        }
        case 'event': {
          if (o.i !== nextEvent) throw new InputError(file, at, `event ${String(o.i)} out of order (expected ${nextEvent})`);
          nextEvent++;
          lastEvent = o.i as number;
          yield { t: 'event', line: n, raw: text, ev: eventFrom(o, file, n) };
          break;
        }
        case 'answer':
        case 'fault':
        case 'result':
        case 'log': {
          if (o.i !== lastEvent) throw new InputError(file, at, `${o.t} for event ${String(o.i)} does not follow it (last event ${lastEvent})`);
          if (o.t === 'answer') yield { t: 'answer', line: n, raw: text, i: o.i as number };
          else if (o.t === 'log') yield { ...(o as object), line: n, raw: text } as TraceLine;
          else yield { ...(o as object), line: n } as TraceLine;
          break;
        }
        case 'swap': {
          if (o.i !== nextEvent) throw new InputError(file, at, `swap before event ${String(o.i)}, but the next event is ${nextEvent}`);
          if (typeof (o.policy as { sha256?: unknown })?.sha256 !== 'string') throw new InputError(file, at, 'swap lacks the policy identity');
          checkRecordedManifest(o.policy as RecordedPolicy, version, file, at);
          yield { ...(o as object), line: n } as TraceLine;
          break;
        }
        case 'end': {
          if (o.calls !== nextCall || o.events !== nextEvent) throw new InputError(file, at, `end line counts ${String(o.calls)} calls and ${String(o.events)} events; the trace holds ${nextCall} and ${nextEvent}`);
          ended = true;
          yield { t: 'end', line: n, calls: nextCall, events: nextEvent };
          break;
        }
        default:
          throw new InputError(file, at, `unknown line type ${JSON.stringify(o.t)}`);
      }
    }
  } finally {
    lines.close();
    stream.destroy();
  }
  if (n === 0) throw new InputError(file, 'line 1', 'empty trace');
  if (!ended) throw new InputError(file, `line ${n}`, `truncated: no end line after ${n} lines`);
}
