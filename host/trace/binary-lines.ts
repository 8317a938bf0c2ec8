// A binary trace read as the lines of its JSON Lines twin (docs/trace.md): the same objects
// readTrace yields for a .jsonl file, `line` being the record index, so every trace consumer
// takes both encodings.
import { InputError } from '../errors.js';
import { firstKeyFault } from '../input/key-fault.js';
import { BinaryCursor } from './binary-cursor.js';
import { RecordFields } from './binary-fields.js';
import { ACCESS_WORDS, ALLOC_DEFERRED, ALLOC_PROTECTED, CALL_OPS, OTHER_WORD, Rec, RESULT_FAILED, RESULT_OK, RESULT_OK_FD } from './binary-format.js';
import { answerOf, eventOf } from './binary-images.js';
import { FAULT_KINDS, SWAP_REASONS } from './jsonl-fields.js';
import { answerLine, eventLine, logLine, TRACE_FORMAT } from './lines.js';
import { recordedManifest, type RecordedPolicy } from './trace-manifest.js';
import type { TraceHeader, TraceLine } from './reader.js';

/** The policy fields of a header or swap record: identity, path, and (version 2) the manifest. */
export function policyOf(c: BinaryCursor, f: RecordFields): RecordedPolicy {
  const p: RecordedPolicy = { name: f.str('policy name'), version: f.str('policy version'), sha256: f.str('policy sha256'), path: f.optStr('policy path') };
  if (c.version < 2) return p;
  const text = f.optStr('policy manifest');
  let json: unknown = null;
  if (text !== null) {
    try {
      json = JSON.parse(text);
    } catch {
      throw c.fault('policy manifest is not JSON');
    }
    // Written in one canonical form (trace-manifest.ts): a repeated key is damage, as C finds it.
    const key = firstKeyFault(text);
    if (key) throw c.fault(`policy manifest is not JSON: ${key.detail}`);
    if (json === null) throw c.fault('policy manifest is null text (absent is u8 0)');
  }
  p.manifest = recordedManifest(json, c.file, `byte ${c.offset} (record ${c.index})`);
  return p;
}

export function headerOf(c: BinaryCursor): TraceHeader {
  const f = new RecordFields(c);
  const host = f.str('host');
  const backend = f.str('backend');
  const policy = policyOf(c, f);
  const limits = { fuel: f.u32('fuel'), opCap: f.u32('opCap'), log: f.u8('log') === 1 };
  const text = f.str('platform');
  f.done();
  let platform: unknown;
  try {
    platform = JSON.parse(text);
  } catch {
    throw c.fault('platform is not JSON');
  }
  if (typeof platform !== 'object' || platform === null) throw c.fault('platform is not a JSON object');
  return { t: 'header', format: TRACE_FORMAT, version: c.version, abi: '1.0', host, backend, policy, limits, platform };
}

/** Device names of a header's platform, by index (for call records). */
export function deviceNames(h: TraceHeader): string[] {
  const devices = (h.platform as { devices?: { name?: unknown }[] }).devices;
  return Array.isArray(devices) ? devices.map((d) => String(d?.name)) : [];
}

/** An access word; `refusable` words (begin calls) may be one the engine refused, written as text. */
function word(f: RecordFields, c: BinaryCursor, what: string, refusable = true): string {
  const code = f.u8(what);
  if (code === OTHER_WORD && refusable) return f.str(what);
  const w = ACCESS_WORDS[code];
  if (w === undefined) throw c.fault(`${what} ${code} is not an Access value`);
  return w;
}

/** An access word, checked and stepped over (checkCall's twin of `word`). */
function skipWord(f: RecordFields, c: BinaryCursor, what: string, refusable = true): void {
  const code = f.u8(what);
  if (code === OTHER_WORD && refusable) return f.skipStr(what);
  if (ACCESS_WORDS[code] === undefined) throw c.fault(`${what} ${code} is not an Access value`);
}

/**
 * A call or result record checked as callOf and resultOf check it, without building its line:
 * what replay does with the records it does not replay (a decoded line per call costs replay
 * most of its speed).
 */
export function checkCallOrResult(c: BinaryCursor, deviceCount: number): void {
  const f = new RecordFields(c);
  if (c.type === Rec.result) {
    f.u32('i');
    f.i32('op'); // the cursor checked it is not negative
    const outcome = f.u8('outcome');
    if (outcome === RESULT_OK_FD) { const fd = f.i32('fd'); if (fd < 0) throw c.fault(`fd ${fd} is negative`); }
    else if (outcome === RESULT_FAILED) { f.u32('errno'); f.skipStr('code'); }
    else if (outcome !== RESULT_OK) throw c.fault(`outcome ${outcome} (0, 1 or 2)`);
    f.done();
    return;
  }
  f.u32('n');
  f.u32('buf');
  const code = f.u8('op');
  const op = CALL_OPS[code];
  if (!op) throw c.fault(`unknown call op ${code}`);
  let devices = 0;
  if (op === 'alloc') {
    f.skip64('size');
    skipWord(f, c, 'cpu', false);
    f.u8('flags');
    f.skipOptStr('name');
    devices = f.u32('device count');
    if (devices > deviceCount * 4 + 64) throw c.fault(`${devices} devices`);
  } else if (op === 'attach' || op === 'device_end' || op === 'device_begin') {
    devices = 1;
  }
  for (let k = 0; k < devices; k++) {
    const d = f.u32('device');
    if (d >= deviceCount) throw c.fault(`device index ${d} outside the platform's ${deviceCount} devices`);
  }
  if (op === 'device_begin' || op === 'cpu_begin') skipWord(f, c, 'access');
  f.done();
}

function callOf(c: BinaryCursor, devices: string[]): TraceLine {
  const f = new RecordFields(c);
  const n = f.u32('n');
  const buf = f.u32('buf');
  const code = f.u8('op');
  const op = CALL_OPS[code];
  if (!op) throw c.fault(`unknown call op ${code}`);
  const device = () => {
    const d = f.u32('device');
    if (d >= devices.length) throw c.fault(`device index ${d} outside the platform's ${devices.length} devices`);
    return devices[d]!;
  };
  const line = { t: 'call' as const, line: c.index, n, op, buf };
  let out: TraceLine;
  if (op === 'alloc') {
    const size = f.u64('size').toString();
    const cpu = word(f, c, 'cpu', false); // allocate checks cpu before it records the call
    const flags = f.u8('flags');
    const name = f.optStr('name');
    const count = f.u32('device count');
    if (count > devices.length * 4 + 64) throw c.fault(`${count} devices`);
    const names: string[] = [];
    for (let k = 0; k < count; k++) names.push(device());
    out = { ...line, size, devices: names, cpu, protected: (flags & ALLOC_PROTECTED) !== 0, name, deferred: (flags & ALLOC_DEFERRED) !== 0 };
  } else if (op === 'attach' || op === 'device_end') {
    out = { ...line, device: device() };
  } else if (op === 'device_begin') {
    out = { ...line, device: device(), access: word(f, c, 'access') };
  } else if (op === 'cpu_begin') {
    out = { ...line, access: word(f, c, 'access') };
  } else {
    out = line;
  }
  f.done();
  return out;
}

function resultOf(c: BinaryCursor): TraceLine {
  const f = new RecordFields(c);
  const i = f.u32('i');
  const op = f.i32('op');
  const outcome = f.u8('outcome');
  let out: TraceLine;
  if (outcome === RESULT_OK) out = { t: 'result', line: c.index, i, op, ok: true };
  else if (outcome === RESULT_OK_FD) {
    const fd = f.i32('fd');
    if (fd < 0) throw c.fault(`fd ${fd} is negative`);
    out = { t: 'result', line: c.index, i, op, ok: true, fd };
  }
  else if (outcome === RESULT_FAILED) out = { t: 'result', line: c.index, i, op, ok: false, errno: f.u32('errno'), code: f.str('code') };
  else throw c.fault(`outcome ${outcome} (0, 1 or 2)`);
  f.done();
  return out;
}

/** The current record of `c` as a trace line; `devices` are the header platform's device names. */
export function lineOf(c: BinaryCursor, devices: string[]): TraceLine {
  switch (c.type) {
    case Rec.call:
      return callOf(c, devices);
    case Rec.event: {
      const ev = eventOf(c);
      return { t: 'event', line: c.index, raw: eventLine(ev), ev };
    }
    case Rec.answer: {
      const i = c.dv.getUint32(c.start, true);
      return { t: 'answer', line: c.index, raw: answerLine(i, answerOf(c)), i };
    }
    case Rec.fault: {
      const f = new RecordFields(c);
      const out = { t: 'fault' as const, line: c.index, i: f.u32('i'), kind: f.str('kind'), message: f.str('message') };
      f.done();
      if (!FAULT_KINDS.has(out.kind)) throw c.fault(`kind ${JSON.stringify(out.kind)} (one of ${[...FAULT_KINDS].join(', ')})`);
      return out;
    }
    case Rec.result:
      return resultOf(c);
    case Rec.swap: {
      const f = new RecordFields(c);
      const out = { t: 'swap' as const, line: c.index, i: f.u32('i'), reason: f.str('reason'), policy: policyOf(c, f) };
      f.done();
      if (!SWAP_REASONS.has(out.reason)) throw c.fault(`reason ${JSON.stringify(out.reason)} (explicit or fault)`);
      return out;
    }
    case Rec.log: {
      const f = new RecordFields(c);
      const i = f.u32('i');
      const fd = f.u8('fd');
      const text = f.str('text');
      f.done();
      if (fd !== 1 && fd !== 2) throw c.fault(`fd ${fd} (1 or 2)`);
      return { t: 'log', line: c.index, raw: logLine(i, fd, text), i, fd, text };
    }
    case Rec.end:
      return { t: 'end', line: c.index, calls: c.dv.getUint32(c.start, true), events: c.dv.getUint32(c.start + 4, true) };
    default:
      throw c.fault('unexpected record');
  }
}

/** Streams a binary trace as readTrace does a JSON Lines one: the header, then every line. */
export async function* readBinaryTrace(file: string, onBytes?: (bytes: number) => void): AsyncGenerator<TraceHeader | TraceLine> {
  const c = new BinaryCursor(file);
  try {
    if (!c.next()) throw new InputError(file, 'byte 12', 'empty trace');
    const header = headerOf(c);
    const devices = deviceNames(header);
    const heaps = (header.platform as { heaps?: unknown[] }).heaps;
    c.platform(Array.isArray(heaps) ? heaps.length : 0, devices.length);
    yield header;
    while (c.next()) {
      if (onBytes && (c.index & 4095) === 0) onBytes(c.bytesRead);
      yield lineOf(c, devices);
    }
  } finally {
    c.close();
  }
}
