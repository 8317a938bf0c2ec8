// Each JSON Lines trace line checked field by field against the docs table (rule R1) and turned
// into the TraceLine the consumers take. Device names and heap indexes are checked against the
// header's platform, so a damaged call line is refused here, naming its line, rather than
// failing later inside diff's engines.
import { EventKind, NAME_CAPACITY, NONE } from '../abi/generated.js';
import type { EventRecord } from '../engine/engine.js';
import { ACCESS_WORD_SET, CALL_OP_WORDS, EVENT_KIND_WORDS, FAULT_KINDS, type Fields, OP_KIND_WORDS, SWAP_REASONS } from './jsonl-fields.js';
import type { RecordedPolicy } from './trace-manifest.js';
import type { TraceLine } from './reader.js';

/** What a line is checked against: the header platform's device names and heap count. */
export interface PlatformShape {
  devices: ReadonlySet<string>;
  heaps: number;
}

const utf8 = new TextEncoder();
const KIND = EventKind as Record<string, number>;

function device(f: Fields, p: PlatformShape, field: string, v: unknown = f.o[field]): string {
  const d = f.str(field, v);
  if (!p.devices.has(d)) throw f.bad(field, `unknown device ${JSON.stringify(d)} (the platform has ${[...p.devices].join(', ') || 'no devices'})`);
  return d;
}

// A begin call's access is any string: the engine records the call before it checks the word
// (and then refuses it), so a refused word is part of a sound trace (binary: code 255).
export function callFrom(f: Fields, p: PlatformShape): Extract<TraceLine, { t: 'call' }> {
  const op = f.word('op', CALL_OP_WORDS);
  const base = { t: 'call' as const, line: f.line, n: f.u32('n'), op, buf: f.u32('buf') };
  switch (op) {
    case 'alloc': {
      const devices = f.array('devices').map((d, k) => device(f, p, `devices[${k}]`, d));
      const name = f.o.name === null ? null : f.str('name');
      return { ...base, size: f.u64Text('size'), devices, cpu: f.word('cpu', ACCESS_WORD_SET), protected: f.bool('protected'), name, deferred: f.bool('deferred') };
    }
    case 'attach':
    case 'device_end':
      return { ...base, device: device(f, p, 'device') };
    case 'device_begin':
      return { ...base, device: device(f, p, 'device'), access: f.str('access') };
    case 'cpu_begin':
      return { ...base, access: f.str('access') };
    default:
      return base;
  }
}

export function eventFrom(f: Fields, p: PlatformShape): EventRecord {
  const kind = KIND[f.word('kind', EVENT_KIND_WORDS)]!;
  const name = utf8.encode(f.str('name'));
  if (name.length > NAME_CAPACITY) throw f.bad('name', `${name.length} bytes (at most ${NAME_CAPACITY})`);
  let usage: bigint[] | null = null;
  if (kind === EventKind.PLACE) {
    const u = f.array('usage');
    if (u.length !== p.heaps) throw f.bad('usage', `${u.length} entries; the platform has ${p.heaps} heaps`);
    usage = u.map((x, k) => f.u64(`usage[${k}]`, x));
  } else if (f.o.usage !== null) {
    throw f.bad('usage', 'must be null (only PLACE carries usage)');
  }
  const dev = f.idx('device');
  if (dev !== NONE && dev >= p.devices.size) throw f.bad('device', `index ${dev} outside the platform's ${p.devices.size} devices`);
  const heap = f.idx('heap');
  if (heap !== NONE && heap >= p.heaps) throw f.bad('heap', `index ${heap} outside the platform's ${p.heaps} heaps`);
  return {
    index: f.u32('i'), call: f.u32('n'), kind, buf: f.u32('buf'), device: dev, access: f.int('access', 0, 3),
    size: f.u64('size'), devices: f.u64('devices'), failedHeaps: f.u64('failedHeaps'), heap, cpu: f.int('cpu', 0, 3),
    flags: f.u32('flags'), lastErrno: f.u32('lastErrno'), name, usage, state: Uint8Array.from(Buffer.from(f.hex64('state'), 'hex')),
  };
}

/** Checks an answer line's fields; returns its op count (results are numbered against it). */
export function answerOps(f: Fields, p: PlatformShape): number {
  f.u32('i');
  const ops = f.array('ops');
  for (let k = 0; k < ops.length; k++) {
    const o = f.object(`ops[${k}]`, ops[k]);
    const kind = f.word(`ops[${k}].kind`, OP_KIND_WORDS, o.kind);
    f.u32(`ops[${k}].buf`, o.buf);
    const heap = f.idx(`ops[${k}].heap`, o.heap);
    if (heap !== NONE && heap >= p.heaps) throw f.bad(`ops[${k}].heap`, `index ${heap} outside the platform's ${p.heaps} heaps`);
    f.u32(`ops[${k}].arg`, o.arg);
    f.u64(`ops[${k}].value`, o.value);
    if (kind === 'SET_NAME') f.str(`ops[${k}].name`, o.name);
    else if (o.name !== undefined) throw f.bad(`ops[${k}].name`, 'only SET_NAME ops carry a name');
  }
  const explain = f.array('explain');
  for (let k = 0; k < explain.length; k++) {
    const x = f.array(`explain[${k}]`, explain[k]);
    if (x.length !== 6) throw f.bad(`explain[${k}]`, `${x.length} entries (subject, verdict, code, heap, device, detail)`);
    f.u32(`explain[${k}][0]`, x[0]);
    f.u32(`explain[${k}][1]`, x[1]);
    f.u32(`explain[${k}][2]`, x[2]);
    f.idx(`explain[${k}][3]`, x[3]);
    f.idx(`explain[${k}][4]`, x[4]);
    f.u32(`explain[${k}][5]`, x[5]);
  }
  f.hex64('state');
  return ops.length;
}

export function faultFrom(f: Fields): Extract<TraceLine, { t: 'fault' }> {
  return { t: 'fault', line: f.line, i: f.u32('i'), kind: f.word('kind', FAULT_KINDS), message: f.str('message') };
}

export function resultFrom(f: Fields): Extract<TraceLine, { t: 'result' }> {
  const base = { t: 'result' as const, line: f.line, i: f.u32('i'), op: f.u32('op') };
  const o = f.o;
  if (f.bool('ok')) {
    if (o.errno !== undefined || o.code !== undefined) throw f.bad(o.errno !== undefined ? 'errno' : 'code', 'only a failed result carries errno and code');
    return o.fd === undefined ? { ...base, ok: true } : { ...base, ok: true, fd: f.int('fd', 0, 0x7fffffff) };
  }
  if (o.fd !== undefined) throw f.bad('fd', 'a failed result has no fd');
  return { ...base, ok: false, errno: f.u32('errno'), code: f.str('code') };
}

export function logFrom(f: Fields, raw: string): Extract<TraceLine, { t: 'log' }> {
  return { t: 'log', line: f.line, raw, i: f.u32('i'), fd: f.int('fd', 1, 2), text: f.str('text') };
}

/** A policy object's identity fields (its manifest is checked by the reader, by version). */
export function policyFrom(f: Fields, field: string): RecordedPolicy {
  const p = f.object(field);
  f.str(`${field}.name`, p.name);
  f.str(`${field}.version`, p.version);
  f.str(`${field}.sha256`, p.sha256);
  if (p.path !== null) f.str(`${field}.path`, p.path);
  return p as unknown as RecordedPolicy;
}

export function swapFrom(f: Fields): Extract<TraceLine, { t: 'swap' }> {
  return { t: 'swap', line: f.line, i: f.u32('i'), reason: f.word('reason', SWAP_REASONS), policy: policyFrom(f, 'policy') };
}

export function endFrom(f: Fields): Extract<TraceLine, { t: 'end' }> {
  return { t: 'end', line: f.line, calls: f.u32('calls'), events: f.u32('events') };
}
