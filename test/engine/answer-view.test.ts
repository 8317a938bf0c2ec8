// The lazy answer view and the table-driven validation agree with a straightforward decoder
// (reference-answer.ts) on random output regions: the same ops, explanations and state, or the
// same fault with the same message. Also with the region misaligned (read through a copy), and
// the event encoding byte for byte.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BufferStateLayout, EventKind, EVENT_USAGE_OFFSET, NONE, OutHeaderLayout as OH, OUT_OPS_OFFSET, OUT_EXPLAIN_OFFSET,
  OUT_STRINGS_OFFSET, OUTPUT_CAPACITY,
} from '../../host/abi/generated.js';
import { checkedAnswer } from '../../host/engine/answer.js';
import type { EventRecord } from '../../host/engine/engine.js';
import { writeEvent } from '../../host/engine/event-codec.js';
import { PolicyFaultError } from '../../host/errors.js';
import { PolicyInstance } from '../../host/module/instance.js';
import { parsePlatform } from '../../host/platform/parse.js';
import { encodePlatform } from '../../host/platform/encode.js';
import type { Platform } from '../../host/platform/types.js';
import { policy } from '../support/modules.js';
import { EXAMPLES, examplePlatformFiles } from '../support/platforms.js';
import { referenceAnswer, referenceEventBytes, referenceRoundedSize } from './reference-answer.js';

const platforms: Platform[] = examplePlatformFiles().map((f) => parsePlatform(JSON.parse(readFileSync(join(EXAMPLES, 'platforms', f), 'utf8')), f));
let inst: PolicyInstance;
let alignedOutput = 0;
let alignedInput = 0;

beforeAll(async () => {
  inst = PolicyInstance.create(await policy('default'));
  inst.init(encodePlatform(platforms[0]!));
  alignedOutput = inst.output;
  alignedInput = inst.input;
});

const u64 = fc.oneof(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.bigInt({ min: 0n, max: 1n << 31n }), fc.constantFrom(0n, 4096n, 1n << 53n, (1n << 64n) - 1n));
const u32 = fc.oneof(fc.nat({ max: 16 }), fc.constantFrom(NONE, 0x80002, 0x80000, 2, 0x7fffffff, 0x80000000), fc.nat({ max: 0xffffffff }));

/** An event on platform p: mostly realistic, sometimes not (huge sizes, unknown heaps, every failed heap). */
const eventArb = (p: Platform) => fc.record({
  kind: fc.constantFrom(EventKind.PLACE, EventKind.PLACE, EventKind.CPU_BEGIN, EventKind.DEVICE_END, EventKind.FREE),
  buf: fc.constantFrom(1, 7),
  size: fc.oneof(fc.bigInt({ min: 1n, max: 1n << 30n }), u64),
  devices: fc.oneof(fc.bigInt({ min: 1n, max: (1n << BigInt(p.devices.length)) - 1n }), u64),
  failedHeaps: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: (1n << BigInt(p.heaps.length)) - 1n })),
  heap: fc.oneof(fc.constant(NONE), fc.nat({ max: p.heaps.length - 1 })),
  protect: fc.boolean(),
  name: fc.uint8Array({ maxLength: 31 }),
  state: fc.uint8Array({ minLength: 32, maxLength: 32 }),
}).map((e): EventRecord => ({
  index: 0, call: 0, kind: e.kind, buf: e.buf, device: NONE, access: 0, size: e.size, devices: e.devices, failedHeaps: e.failedHeaps,
  heap: e.heap, cpu: 0, flags: e.protect ? 1 : 0, lastErrno: 0, name: e.name, usage: e.kind === EventKind.PLACE ? p.heaps.map(() => 0n) : null, state: e.state,
}));

interface OpSpec { kind: number; buf: number; heap: number; arg: number; value: bigint | 'rounded' }
interface AnswerSpec {
  ops: OpSpec[];
  explains: [number, number, number, number, number, number][];
  strings: Uint8Array;
  state: Uint8Array;
  /** Counts written in the header instead of the true ones (null: the true ones). */
  opCount: number | null;
  explainCount: number | null;
  stringsLen: number | null;
}

/** An answer aimed at the event: right sizes and names often enough to get past the first check. */
const answerArb = (p: Platform): fc.Arbitrary<AnswerSpec> => fc.record({
  ops: fc.array(fc.record({
    kind: fc.oneof(fc.constantFrom(1, 2, 3, 4), fc.nat({ max: 9 })),
    buf: fc.constantFrom<number>(1, 1, 1, 7),
    heap: fc.oneof(fc.nat({ max: p.heaps.length }), u32),
    arg: fc.oneof(fc.constantFrom(0x80002, 2, 1, 3, 4, 5, 7, 0, 8, 31, 32), u32),
    value: fc.oneof(fc.constant('rounded' as const), u64, fc.bigInt({ min: 0n, max: 40n })),
  }), { maxLength: 4 }),
  explains: fc.array(fc.tuple(fc.nat({ max: 0xff }), fc.nat({ max: 0xff }), fc.nat({ max: 0xffff }), u32, u32, u32), { maxLength: 12 }),
  strings: fc.oneof(fc.stringMatching(/^[a-z-]{0,40}$/).map((s) => new TextEncoder().encode(s)), fc.string({ unit: 'binary', maxLength: 12 }).map((s) => new TextEncoder().encode(s)), fc.uint8Array({ maxLength: 40 })),
  state: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  opCount: fc.option(fc.oneof(fc.nat({ max: 80 }), u32), { freq: 8 }),
  explainCount: fc.option(fc.oneof(fc.nat({ max: 200 }), u32), { freq: 8 }),
  stringsLen: fc.option(fc.oneof(fc.nat({ max: 9000 }), u32), { freq: 8 }),
});

/** Writes an answer at inst.output the way a module would, counts possibly lying. */
function writeAnswer(p: Platform, ev: EventRecord, a: AnswerSpec): void {
  const dv = new DataView(inst.u8.buffer);
  const b = inst.output;
  inst.u8.fill(0xa5, b, b + OUTPUT_CAPACITY);
  a.ops.forEach((o: OpSpec, i) => {
    const at = b + OUT_OPS_OFFSET + i * 24;
    const value = o.value === 'rounded' ? (o.heap < p.heaps.length ? referenceRoundedSize(p, ev.size, ev.devices, o.heap) : 4096n) : o.value;
    dv.setUint32(at, o.kind, true); dv.setUint32(at + 4, o.buf, true); dv.setUint32(at + 8, o.heap, true); dv.setUint32(at + 12, o.arg, true); dv.setBigUint64(at + 16, value, true);
  });
  a.explains.forEach(([s, v, c, h, d, x], i) => {
    const at = b + OUT_EXPLAIN_OFFSET + i * 16;
    dv.setUint8(at, s); dv.setUint8(at + 1, v); dv.setUint16(at + 2, c, true); dv.setUint32(at + 4, h, true); dv.setUint32(at + 8, d, true); dv.setUint32(at + 12, x, true);
  });
  inst.u8.set(a.strings, b + OUT_STRINGS_OFFSET);
  inst.u8.set(a.state, b + OH.state);
  dv.setUint32(b + OH.opCount, a.opCount ?? a.ops.length, true);
  dv.setUint32(b + OH.explainCount, a.explainCount ?? a.explains.length, true);
  dv.setUint32(b + OH.stringsLen, a.stringsLen ?? a.strings.length, true);
}

type Result = { ok: true; ops: unknown; explains: unknown; state: number[] } | { ok: false; kind: string; message: string };

function settle(f: () => { ops: unknown; explains: unknown; state: Uint8Array }): Result {
  try {
    const r = f();
    return { ok: true, ops: r.ops, explains: r.explains, state: [...r.state] };
  } catch (e) {
    if (!(e instanceof PolicyFaultError)) throw e;
    return { ok: false, kind: e.kind, message: e.message };
  }
}

/** An answer the host should accept for `ev` (when one exists): ALLOC of a fitting heap, maybe named; or SYNCs. */
function wellFormedArb(p: Platform, ev: EventRecord): fc.Arbitrary<AnswerSpec> {
  const protectedRequest = (ev.flags & 1) !== 0;
  const fitting = p.heaps.filter((h) => (h.kind === 'protected') === protectedRequest && !((ev.failedHeaps >> BigInt(h.index)) & 1n)).map((h) => h.index);
  const ops: fc.Arbitrary<OpSpec[]> = ev.kind === EventKind.PLACE
    ? (fitting.length
      ? fc.tuple(fc.constantFrom(...fitting), fc.boolean()).map(([h, named]) => [{ kind: 1, buf: ev.buf, heap: h, arg: 0x80002, value: 'rounded' as const }, ...(named ? [{ kind: 3, buf: ev.buf, heap: NONE, arg: 5, value: 2n }] : [])])
      : fc.constant([{ kind: 2, buf: ev.buf, heap: NONE, arg: 64, value: 0n }]))
    : fc.array(fc.constantFrom(1, 2, 3, 5, 6, 7).map((f) => ({ kind: 4, buf: ev.buf, heap: NONE, arg: f, value: 0n })), { maxLength: 3 });
  return fc.record({
    ops, explains: fc.array(fc.tuple(fc.nat({ max: 3 }), fc.nat({ max: 5 }), fc.nat({ max: 127 }), u32, u32, u32), { maxLength: 12 }),
    strings: fc.stringMatching(/^[a-z-]{8,20}$/).map((x) => new TextEncoder().encode(x)), state: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    opCount: fc.constant(null), explainCount: fc.constant(null), stringsLen: fc.constant(null),
  });
}

const caseArb = fc.nat({ max: platforms.length - 1 }).chain((pi) => {
  const p = platforms[pi]!;
  return eventArb(p).chain((ev) => fc.record({
    p: fc.constant(p), ev: fc.constant(ev), answer: fc.oneof(answerArb(p), wellFormedArb(p, ev)),
    opCap: fc.constantFrom(64, 64, 1, 2, 300), shift: fc.constantFrom(0, 0, 0, 1, 4, 8),
  }));
});

describe('answer view against the reference decoder', () => {
  it('agrees on ops, explanations, state and every fault message', () => {
    let accepted = 0;
    fc.assert(fc.property(caseArb, ({ p, ev, answer, opCap, shift }) => {
      // A region off the 8-byte grid is read through a copy: same answers.
      inst.output = alignedOutput + shift;
      try {
        writeAnswer(p, ev, answer);
        const want = settle(() => referenceAnswer(inst, p, ev, opCap));
        const got = settle(() => checkedAnswer(inst, p, ev, opCap));
        if (want.ok) accepted++;
        expect(got).toEqual(want);
      } finally {
        inst.output = alignedOutput;
      }
    }), { numRuns: 1500 });
    // The generator must reach past validation often enough for the comparison to mean something.
    expect(accepted).toBeGreaterThan(150);
  });

  it('reads the same fields in place as it decodes into objects', () => {
    fc.assert(fc.property(caseArb, ({ p, ev, answer }) => {
      writeAnswer(p, ev, answer);
      let view;
      try { view = checkedAnswer(inst, p, ev, 64); } catch { return; }
      view.ops.forEach((op, i) => {
        expect([view.opKind(i), view.opBuf(i), view.opHeap(i), view.opArg(i), view.opValue(i)]).toEqual([op.kind, op.buf, op.heap, op.arg, op.value]);
        expect(view.opValueNumber(i)).toBe(op.value < 1n << 53n ? Number(op.value) : -1);
        if (op.name === undefined) return;
        // The byte comparison the engine uses to keep the request's string agrees with the decoded name.
        const bytes = new TextEncoder().encode(op.name);
        expect(view.opNameIs(i, bytes)).toBe(true);
        expect(view.opNameIs(i, ev.name)).toBe(new TextDecoder().decode(ev.name) === op.name);
        if (bytes.length) expect(view.opNameIs(i, bytes.map((b, k) => (k === bytes.length - 1 ? b ^ 1 : b)))).toBe(false);
        expect(view.opNameIs(i, new Uint8Array([...bytes, 0x61]))).toBe(false);
      });
      view.explains.forEach((x, i) => {
        expect([view.explainSubject(i), view.explainVerdict(i), view.explainCode(i), view.explainHeap(i), view.explainDevice(i), view.explainDetail(i)]).toEqual([x.subject, x.verdict, x.code, x.heap, x.device, x.detail]);
      });
      expect(view.explainWords().length).toBe(view.explainCount * 4);
      // Decoded once: observers see the same objects.
      expect(view.ops).toBe(view.ops);
      expect(view.state).toBe(view.state);
    }), { numRuns: 500 });
  });
});

describe('event encoding', () => {
  it('writes the reference bytes, aligned or not, whatever was in the region before', () => {
    fc.assert(fc.property(fc.nat({ max: platforms.length - 1 }).chain((pi) => eventArb(platforms[pi]!)), fc.constantFrom(0, 0, 4, 1), fc.uint8Array({ minLength: 1, maxLength: 1 }), (ev, shift, junk) => {
      inst.input = alignedInput + shift;
      try {
        inst.u8.fill(junk[0]!, inst.input, inst.input + EVENT_USAGE_OFFSET + 64 * 8);
        const len = writeEvent(inst, ev);
        const want = referenceEventBytes(ev);
        expect(len).toBe(want.length);
        expect([...inst.u8.subarray(inst.input, inst.input + len)]).toEqual([...want]);
      } finally {
        inst.input = alignedInput;
      }
    }), { numRuns: 1000 });
  });

  it('hands the module the state it kept: BufferState round trip through a real event', () => {
    const p = platforms[0]!;
    const ev: EventRecord = {
      index: 0, call: 0, kind: EventKind.PLACE, buf: 1, device: NONE, access: 0, size: 1n << 20n, devices: 1n, failedHeaps: 0n,
      heap: NONE, cpu: 0, flags: 0, lastErrno: 0, name: new Uint8Array(0), usage: p.heaps.map(() => 0n), state: new Uint8Array(BufferStateLayout.SIZE),
    };
    const len = writeEvent(inst, ev);
    inst.event(len);
    const out = checkedAnswer(inst, p, ev, 64);
    expect(out.state).toEqual(inst.u8.slice(inst.output + OH.state, inst.output + OH.state + BufferStateLayout.SIZE));
    expect(inst.lastFuel).toBeGreaterThan(0);
  });
});
