// A candidate replay (host/trace/replay.ts + reader.ts), kept as an experiment: the same verdict
// on well-formed traces, with none of the per-line costs the profile shows.
//   1. lines found in 4 MiB chunks read synchronously (Buffer.indexOf), not readline + for await;
//   2. event lines scanned in their fixed key order (docs/trace.md) straight into the module's
//      input region: no JSON.parse, no EventRecord, no BigInt for u64s below 2^53, the state hex
//      decoded in place;
//   3. the answer validated from the output region and written as answer-line bytes into a reused
//      buffer, compared with the recorded line's bytes (memcmp): no Outcome objects, no strings.
// Anything the scanner does not expect exactly (escaped names, log/swap lines, manifests, faults,
// u64s past 2^53) is not guessed at: scanReplay returns null and the caller runs replay().
import { closeSync, openSync, readSync } from 'node:fs';
import {
  EventKind, EventLayout as EL, EVENT_NAME_OFFSET, EVENT_USAGE_OFFSET, OpKind, OpKindName, NONE, BufferFlag, FD_FLAGS_VALID,
  NAME_CAPACITY, MAX_OPS, MAX_EXPLAIN, OUT_OPS_OFFSET, OUT_EXPLAIN_OFFSET, OUT_STRINGS_OFFSET, OUT_STRINGS_CAPACITY, OutHeaderLayout as OH,
} from '../../host/abi/generated.js';
import { answer } from '../../host/engine/answer.js';
import { PolicyFaultError } from '../../host/errors.js';
import { PolicyInstance } from '../../host/module/instance.js';
import type { PolicyModule } from '../../host/module/policy-module.js';
import { encodePlatform } from '../../host/platform/encode.js';
import { parsePlatform } from '../../host/platform/parse.js';
import type { Platform } from '../../host/platform/types.js';
import { policyForTrace } from '../../host/trace/policy-for-trace.js';
import { parseHeader } from '../../host/trace/reader.js';

export interface ScanReport {
  identical: boolean;
  events: number;
  divergence: { event: number; line: number; expected: string; actual: string } | null;
}

class Unsupported extends Error {}

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const KIND_BY_NAME = new Map<string, number>(Object.entries(EventKind));
const OP_NAME = new Map<number, Uint8Array>(Object.entries(OpKindName).map(([k, v]) => [Number(k), ascii(v)]));
const HEX_VALUE = new Int8Array(256).fill(-1);
for (let i = 0; i < 16; i++) HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;
const HEX_DIGITS = ascii('0123456789abcdef');

/** A cursor over one line's bytes that expects the trace's fixed key order. */
class Scanner {
  b!: Uint8Array;
  at = 0;
  end = 0;

  expect(lit: Uint8Array): void {
    const b = this.b;
    const at = this.at;
    const n = lit.length;
    for (let i = 0; i < n; i++) if (b[at + i] !== lit[i]) throw new Unsupported('key order');
    this.at = at + n;
  }

  /** A JSON integer (optionally negative) below 2^53. */
  int(): number {
    const b = this.b;
    let at = this.at;
    let neg = false;
    if (b[at] === 0x2d) { neg = true; at++; }
    let v = 0;
    const start = at;
    for (let c = b[at]!; c >= 0x30 && c <= 0x39; c = b[++at]!) v = v * 10 + (c - 0x30);
    if (at === start || at - start > 15) throw new Unsupported('integer');
    this.at = at;
    return neg ? -v : v;
  }

  /** A u64 written as a decimal string; below 2^53 (else the host path). */
  u64(): number {
    if (this.b[this.at++] !== 0x22) throw new Unsupported('u64');
    const v = this.int();
    if (v < 0 || this.b[this.at++] !== 0x22) throw new Unsupported('u64');
    return v;
  }
}

const K = {
  event: ascii('{"t":"event","i":'), n: ascii(',"n":'), kind: ascii(',"kind":"'), buf: ascii('","buf":'), device: ascii(',"device":'),
  access: ascii(',"access":'), size: ascii(',"size":'), devices: ascii(',"devices":'), failed: ascii(',"failedHeaps":'), heap: ascii(',"heap":'),
  cpu: ascii(',"cpu":'), flags: ascii(',"flags":'), errno: ascii(',"lastErrno":'), name: ascii(',"name":"'), usage: ascii(',"usage":'),
  state: ascii(',"state":"'), close: ascii('"}'),
  answer: ascii('{"t":"answer","i":'), ops: ascii(',"ops":['), opKind: ascii('{"kind":"'), opBuf: ascii('","buf":'), opHeap: ascii(',"heap":'),
  opArg: ascii(',"arg":'), opValue: ascii(',"value":"'), opName: ascii('","name":"'), explain: ascii('],"explain":['), ansState: ascii('],"state":"'),
  call: ascii('{"t":"call","n":'), result: ascii('{"t":"result","i":'), end: ascii('{"t":"end","calls":'), endEvents: ascii(',"events":'),
};

/** The answer-line bytes written for the module's answer: reused for every event. */
class AnswerWriter {
  b = new Uint8Array(1 << 16);
  n = 0;
  put(lit: Uint8Array): void { this.b.set(lit, this.n); this.n += lit.length; }
  byte(c: number): void { this.b[this.n++] = c; }
  num(v: number): void {
    if (v < 0) { this.byte(0x2d); v = -v; }
    if (v < 10) { this.byte(0x30 + v); return; }
    const s = String(v);
    for (let i = 0; i < s.length; i++) this.b[this.n++] = s.charCodeAt(i);
  }
}

const NONE_IDX = (x: number) => (x === NONE ? -1 : x);

/** Returns null when the trace needs something the scanner leaves to replay(). */
export async function scanReplay(file: string, opts: { policy?: PolicyModule } = {}): Promise<ScanReport | null> {
  const fd = openSync(file, 'r');
  try {
    return await scan(fd, file, opts);
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  } finally {
    closeSync(fd);
  }
}

async function scan(fd: number, file: string, opts: { policy?: PolicyModule }): Promise<ScanReport> {
  let buf = Buffer.allocUnsafe(4 << 20);
  let filled = 0;
  let pos = 0;
  let eof = false;
  /** Next line as [start, end) in buf, or null at the end of the file. */
  const nextLine = (): [number, number] | null => {
    for (;;) {
      const nl = buf.indexOf(10, pos);
      if (nl >= 0 && nl < filled) { const s = pos; pos = nl + 1; return [s, nl]; }
      if (eof) {
        if (pos < filled) { const s = pos; pos = filled; return [s, filled]; }
        return null;
      }
      // Keep the partial line, refill behind it (grow for a line longer than the buffer).
      const rest = filled - pos;
      if (rest === buf.length) { const bigger = Buffer.allocUnsafe(buf.length * 2); buf.copy(bigger, 0, pos, filled); buf = bigger; }
      else buf.copy(buf, 0, pos, filled);
      filled = rest;
      pos = 0;
      const n = readSync(fd, buf, filled, buf.length - filled, null);
      if (n === 0) eof = true;
      filled += n;
    }
  };

  const first = nextLine();
  if (!first) throw new Unsupported('empty');
  const header = parseHeader(buf.toString('utf8', first[0], first[1]), file);
  if (header.limits.log) throw new Unsupported('debug build');
  const platform: Platform = parsePlatform(header.platform, file, 'line 1 /platform');
  const mod = opts.policy ?? (await policyForTrace(header, file));
  if (mod.manifest) throw new Unsupported('manifest');
  const opCap = Math.min(header.limits.opCap, MAX_OPS);
  const fresh = () => { const i = PolicyInstance.create(mod); i.init(encodePlatform(platform)); return i; };
  let inst = fresh();
  const heapCount = platform.heaps.length;
  const alignments = platform.devices.map((d) => d.alignment);
  const granules = platform.heaps.map((h) => h.granule);
  const protectedHeap = platform.heaps.map((h) => h.kind === 'protected');

  const sc = new Scanner();
  const w = new AnswerWriter();
  let line = 1;
  let nextCall = 0;
  let nextEvent = 0;
  let lastEvent = -1;
  let events = 0;
  let ended = false;
  // The event awaiting its answer line: its index, and whether w holds its answer bytes (else a fault).
  let pending: { i: number; fault: string | null } | null = null;
  // What validation needs of the event just written (numbers: the scanner refuses u64s past 2^53).
  let evKind = 0, evBuf = 0, evHeap = 0, evFlags = 0, evSize = 0, evDevLo = 0, evDevHi = 0, evFailLo = 0, evFailHi = 0;

  for (let l = nextLine(); l; l = nextLine()) {
    line++;
    const [s, e] = l;
    if (ended) throw new Unsupported('content after end');
    sc.b = buf; sc.at = s; sc.end = e;
    const t = buf[s + 6]; // the first letter of the line type: {"t":"?
    if (t === 0x65 && buf[s + 7] === 0x76) { // event
      if (pending) throw new Unsupported('event without answer');
      sc.expect(K.event);
      const i = sc.int();
      if (i !== nextEvent) throw new Unsupported('event order');
      nextEvent++;
      lastEvent = i;
      sc.expect(K.n); sc.int();
      sc.expect(K.kind);
      const ks = sc.at;
      while (buf[sc.at] !== 0x22) sc.at++;
      const kind = KIND_BY_NAME.get(buf.toString('latin1', ks, sc.at));
      if (kind === undefined) throw new Unsupported('kind');
      sc.expect(K.buf); const b = sc.int();
      sc.expect(K.device); const device = sc.int();
      sc.expect(K.access); const access = sc.int();
      sc.expect(K.size); const size = sc.u64();
      sc.expect(K.devices); const devices = sc.u64();
      sc.expect(K.failed); const failed = sc.u64();
      sc.expect(K.heap); const heap = sc.int();
      sc.expect(K.cpu); const cpu = sc.int();
      sc.expect(K.flags); const flags = sc.int();
      sc.expect(K.errno); const lastErrno = sc.int();
      sc.expect(K.name);
      const ns = sc.at;
      while (buf[sc.at] !== 0x22) { if (buf[sc.at] === 0x5c || sc.at >= e) throw new Unsupported('escaped name'); sc.at++; }
      const ne = sc.at;
      sc.at++; // the closing quote
      // Write the event where writeEvent would, field by field.
      inst.refresh();
      const dv = inst.dv;
      const u8 = inst.u8;
      const base = inst.input;
      dv.setUint32(base + EL.kind, kind, true);
      dv.setUint32(base + EL.buf, b, true);
      dv.setUint32(base + EL.device, device < 0 ? NONE : device, true);
      dv.setUint32(base + EL.access, access, true);
      const w64 = (at: number, v: number) => { dv.setUint32(at, v % 4294967296, true); dv.setUint32(at + 4, Math.floor(v / 4294967296), true); };
      w64(base + EL.size, size);
      w64(base + EL.devices, devices);
      w64(base + EL.failedHeaps, failed);
      dv.setUint32(base + EL.heap, heap < 0 ? NONE : heap, true);
      dv.setUint32(base + EL.cpu, cpu, true);
      dv.setUint32(base + EL.flags, flags, true);
      dv.setUint32(base + EL.lastErrno, lastErrno, true);
      dv.setUint32(base + EL.nameLen, ne - ns, true);
      dv.setUint32(base + EL.reserved0, 0, true);
      u8.fill(0, base + EVENT_NAME_OFFSET, base + EVENT_USAGE_OFFSET);
      if (ne - ns >= NAME_CAPACITY) throw new Unsupported('long name');
      u8.set(buf.subarray(ns, ne), base + EVENT_NAME_OFFSET);
      sc.expect(K.usage);
      let len = EVENT_USAGE_OFFSET;
      if (buf[sc.at] === 0x6e) { sc.at += 4; } // null
      else {
        sc.at++; // [
        let k = 0;
        while (buf[sc.at] !== 0x5d) {
          if (k) sc.at++; // ,
          const u = sc.u64();
          if (kind === EventKind.PLACE) w64(base + EVENT_USAGE_OFFSET + k * 8, u);
          k++;
        }
        sc.at++;
        if (kind === EventKind.PLACE) len += k * 8;
      }
      sc.expect(K.state);
      for (let k = 0, at = base + EL.state; k < 32; k++, at++) {
        const hi = HEX_VALUE[buf[sc.at++]!]!;
        const lo = HEX_VALUE[buf[sc.at++]!]!;
        if (hi < 0 || lo < 0) throw new Unsupported('state');
        u8[at] = (hi << 4) | lo;
      }
      sc.expect(K.close);
      if (sc.at !== e) throw new Unsupported('trailing bytes');
      evKind = kind; evBuf = b; evHeap = heap; evFlags = flags; evSize = size;
      evDevLo = devices % 4294967296; evDevHi = Math.floor(devices / 4294967296);
      evFailLo = failed % 4294967296; evFailHi = Math.floor(failed / 4294967296);
      events++;
      pending = { i, fault: null };
      try {
        inst.event(len);
        if (!writeAnswer(i)) {
          // Something validation must reject: let the host's answer() name the fault kind.
          answer(inst, platform, hostEvent(inst, i), header.limits.opCap);
          throw new Unsupported('validation differs from the host');
        }
      } catch (err) {
        if (!(err instanceof PolicyFaultError)) throw err;
        pending.fault = `fault:${err.kind}`;
        inst = fresh(); // stateless modules: a fresh instance continues where the faulted one stopped
      }
    } else if (t === 0x61) { // answer
      if (!pending) throw new Unsupported('answer without event');
      sc.expect(K.answer);
      if (sc.int() !== lastEvent) throw new Unsupported('answer order');
      if (pending.fault !== null || buf.compare(w.b, 0, w.n, s, e) !== 0) {
        const expected = buf.toString('utf8', s, e);
        const actual = pending.fault ?? new TextDecoder().decode(w.b.subarray(0, w.n));
        return { identical: false, events, divergence: { event: pending.i, line, expected, actual } };
      }
      pending = null;
    } else if (t === 0x63) { // call
      sc.expect(K.call);
      if (sc.int() !== nextCall) throw new Unsupported('call order');
      nextCall++;
    } else if (t === 0x72) { // result
      sc.expect(K.result);
      if (sc.int() !== lastEvent) throw new Unsupported('result order');
    } else if (t === 0x65 && buf[s + 7] === 0x6e) { // end
      sc.expect(K.end);
      const calls = sc.int();
      sc.expect(K.endEvents);
      if (calls !== nextCall || sc.int() !== nextEvent) throw new Unsupported('end counts');
      ended = true;
    } else {
      throw new Unsupported('line type'); // fault, log, swap: replay() handles them
    }
  }
  if (!ended || pending) throw new Unsupported('truncated');
  return { identical: true, events, divergence: null };

  /** Validates the answer in memory as validateOps does and writes its line into w; false: not valid. */
  function writeAnswer(i: number): boolean {
    const dv = inst.dv;
    const u8 = inst.u8;
    const out = inst.output;
    const opCount = dv.getUint32(out + OH.opCount, true);
    const explainCount = dv.getUint32(out + OH.explainCount, true);
    const stringsLen = dv.getUint32(out + OH.stringsLen, true);
    if (opCount > opCap || explainCount > MAX_EXPLAIN || stringsLen > OUT_STRINGS_CAPACITY) return false;
    if (evKind === EventKind.PLACE && opCount === 0) return false;
    w.n = 0;
    w.put(K.answer); w.num(i); w.put(K.ops);
    for (let k = 0; k < opCount; k++) {
      const o = out + OUT_OPS_OFFSET + k * 24;
      const kind = dv.getUint32(o, true);
      const b = dv.getUint32(o + 4, true);
      const heap = dv.getUint32(o + 8, true);
      const arg = dv.getUint32(o + 12, true);
      const lo = dv.getUint32(o + 16, true);
      const hi = dv.getUint32(o + 20, true);
      if (hi >= 0x200000) throw new Unsupported('u64 value');
      const value = hi * 4294967296 + lo;
      if (b !== evBuf) return false;
      if (kind === OpKind.ALLOC) {
        if (evKind !== EventKind.PLACE || k !== 0 || heap >= heapCount || (heap < 32 ? (evFailLo >>> heap) & 1 : (evFailHi >>> (heap - 32)) & 1)) return false;
        if ((arg & ~FD_FLAGS_VALID) !== 0 || value === 0 || protectedHeap[heap] !== ((evFlags & BufferFlag.PROTECTED) !== 0)) return false;
        let a = 4096;
        for (let d = 0; d < alignments.length; d++) if ((d < 32 ? (evDevLo >>> d) & 1 : (evDevHi >>> (d - 32)) & 1) && alignments[d]! > a) a = alignments[d]!;
        if (granules[heap]! > a) a = granules[heap]!;
        if (value !== Math.ceil(evSize / a) * a) return false;
      } else if (kind === OpKind.FAIL) {
        if (evKind !== EventKind.PLACE || k !== 0 || opCount !== 1) return false;
      } else if (kind === OpKind.SET_NAME) {
        if (evKind !== EventKind.PLACE || k !== 1 || dv.getUint32(out + OUT_OPS_OFFSET, true) !== OpKind.ALLOC || arg === 0 || arg >= NAME_CAPACITY) return false;
        if (value + arg > stringsLen) return false;
      } else if (kind === OpKind.SYNC) {
        if (evKind === EventKind.PLACE || evHeap < 0 || arg === 0 || arg === 4 || arg > 7) return false;
      } else return false;
      if (k) w.byte(0x2c);
      w.put(K.opKind); w.put(OP_NAME.get(kind)!); w.put(K.opBuf); w.num(b); w.put(K.opHeap); w.num(NONE_IDX(heap));
      w.put(K.opArg); w.num(arg); w.put(K.opValue); w.num(value);
      if (kind === OpKind.SET_NAME) {
        // Plain printable ASCII is its own JSON text; anything else goes the host's way.
        const at = out + OUT_STRINGS_OFFSET + value;
        for (let c = 0; c < arg; c++) { const x = u8[at + c]!; if (x < 0x20 || x > 0x7e || x === 0x22 || x === 0x5c) throw new Unsupported('name text'); }
        w.put(K.opName); w.b.set(u8.subarray(at, at + arg), w.n); w.n += arg; w.byte(0x22); w.byte(0x7d);
      } else {
        w.byte(0x22); w.byte(0x7d);
      }
    }
    w.put(K.explain);
    for (let k = 0; k < explainCount; k++) {
      const x = out + OUT_EXPLAIN_OFFSET + k * 16;
      if (k) w.byte(0x2c);
      w.byte(0x5b);
      w.num(u8[x]!); w.byte(0x2c); w.num(u8[x + 1]!); w.byte(0x2c); w.num(dv.getUint16(x + 2, true)); w.byte(0x2c);
      w.num(NONE_IDX(dv.getUint32(x + 4, true))); w.byte(0x2c); w.num(NONE_IDX(dv.getUint32(x + 8, true))); w.byte(0x2c);
      w.num(dv.getUint32(x + 12, true));
      w.byte(0x5d);
    }
    w.put(K.ansState);
    for (let k = 0, at = out + OH.state; k < 32; k++, at++) { w.byte(HEX_DIGITS[u8[at]! >>> 4]!); w.byte(HEX_DIGITS[u8[at]! & 15]!); }
    w.byte(0x22); w.byte(0x7d);
    return true;
  }

  /** The event as replay() would build it, from the bytes written (only on the rare fault path). */
  function hostEvent(inst: PolicyInstance, i: number) {
    const dv = inst.dv;
    const base = inst.input;
    return {
      index: i, call: 0, kind: evKind, buf: evBuf, device: dv.getUint32(base + EL.device, true), access: dv.getUint32(base + EL.access, true),
      size: dv.getBigUint64(base + EL.size, true), devices: dv.getBigUint64(base + EL.devices, true), failedHeaps: dv.getBigUint64(base + EL.failedHeaps, true),
      heap: dv.getUint32(base + EL.heap, true), cpu: dv.getUint32(base + EL.cpu, true), flags: evFlags, lastErrno: dv.getUint32(base + EL.lastErrno, true),
      name: inst.u8.slice(base + EVENT_NAME_OFFSET, base + EVENT_NAME_OFFSET + dv.getUint32(base + EL.nameLen, true)),
      usage: evKind === EventKind.PLACE ? platform.heaps.map((_, h) => dv.getBigUint64(base + EVENT_USAGE_OFFSET + h * 8, true)) : null,
      state: inst.u8.slice(base + EL.state, base + EL.state + 32),
    };
  }
}
