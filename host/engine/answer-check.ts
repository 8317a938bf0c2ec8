// Validating every op of an answer against the event it answers, straight from the answer's
// words, before the host executes any of it. PLACE: exactly one ALLOC or FAIL first, then at
// most one SET_NAME; other events: SYNCs only, on a placed buffer. Messages are built only when
// an op fails.
import { OpKindName, EventKindName, OpKind, EventKind, NAME_CAPACITY, FD_FLAGS_VALID, NONE, BufferFlag } from '../abi/generated.js';
import { PolicyFaultError } from '../errors.js';
import type { Platform } from '../platform/types.js';
import type { EventRecord } from './engine.js';
import type { AnswerView } from './outcome.js';
import { roundedSize } from './rounding.js';
import { deviceAlignment, validationTable, type ValidationTable } from './validation-table.js';

const TWO53 = 2 ** 53;
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** START or END with READ, WRITE or RW: flags 1-3 and 5-7. */
const syncValid = (f: number) => f >= 1 && f <= 7 && f !== 4;

function describe(v: AnswerView, i: number): string {
  const kind = v.opKind(i);
  const heap = v.opHeap(i);
  return `${OpKindName[kind] ?? `op ${kind}`}(buf ${v.opBuf(i)}, heap ${heap === NONE ? 'none' : heap}, arg ${v.opArg(i)}, value ${v.opValue(i)})`;
}

/** Is the ALLOC's size the request's rounded size for its heap? Number arithmetic when exact, else as rounding.ts. */
function sizeMatches(v: AnswerView, i: number, p: Platform, t: ValidationTable, ev: EventRecord, heap: number): bigint | null {
  if (t.pow2 && ev.size >= 0n && ev.size <= SAFE) {
    const size = Number(ev.size);
    const g = t.granules[heap]!;
    const d = deviceAlignment(t, p, ev.devices);
    const a = g > d ? g : d;
    if (size + a <= TWO53 && v.opValueNumber(i) === Math.ceil(size / a) * a) return null;
  }
  const want = roundedSize(p, ev.size, ev.devices, heap);
  return v.opValue(i) === want ? null : want;
}

/** Op i is invalid: the fault names the event, the op and why (a function, not a closure per answer). */
function bad(v: AnswerView, ev: EventRecord, i: number, why: string): never {
  throw new PolicyFaultError(v.inst.module.label, 'invalid-op', `answered ${EventKindName[ev.kind]} of buffer ${ev.buf} with ${describe(v, i)}: ${why}`);
}

export function validateAnswer(v: AnswerView, p: Platform, ev: EventRecord): void {
  const n = v.opCount;
  const place = ev.kind === EventKind.PLACE;
  for (let i = 0; i < n; i++) {
    if (v.opBuf(i) !== ev.buf) bad(v, ev, i, `not the buffer in question (${ev.buf})`);
    const arg = v.opArg(i);
    switch (v.opKind(i)) {
      case OpKind.ALLOC: {
        if (!place) bad(v, ev, i, 'ALLOC only answers PLACE');
        if (i !== 0) bad(v, ev, i, 'ALLOC must be the first op');
        const heap = v.opHeap(i);
        const t = validationTable(p);
        if (heap >= t.heapCount) bad(v, ev, i, `unknown heap index (platform has ${t.heapCount})`);
        if (ev.failedHeaps !== 0n && (ev.failedHeaps >> BigInt(heap)) & 1n) bad(v, ev, i, 'that heap already failed for this buffer');
        if ((arg & ~FD_FLAGS_VALID) !== 0) bad(v, ev, i, `fd flags 0x${arg.toString(16)} outside O_ACCMODE|O_CLOEXEC`);
        const want = sizeMatches(v, i, p, t, ev, heap);
        if (want !== null) bad(v, ev, i, `size ${v.opValue(i)} differs from the request's rounded size ${want}`);
        const requestProtected = (ev.flags & BufferFlag.PROTECTED) !== 0;
        if (t.protectedHeap[heap] !== requestProtected) bad(v, ev, i, requestProtected ? 'protected content outside a protected heap' : 'unprotected buffer in a protected heap');
        break;
      }
      case OpKind.FAIL:
        if (!place) bad(v, ev, i, 'FAIL only answers PLACE');
        if (i !== 0 || n !== 1) bad(v, ev, i, 'FAIL must be the only op');
        break;
      case OpKind.SET_NAME:
        if (!place || i !== 1 || v.opKind(0) !== OpKind.ALLOC) bad(v, ev, i, 'SET_NAME only right after ALLOC');
        if (arg === 0 || arg >= NAME_CAPACITY) bad(v, ev, i, `name of ${arg} bytes; 1 to ${NAME_CAPACITY - 1} allowed`);
        break;
      case OpKind.SYNC:
        if (place) bad(v, ev, i, 'no SYNC while placing');
        if (ev.heap === NONE) bad(v, ev, i, 'buffer is not placed');
        if (!syncValid(arg)) bad(v, ev, i, `sync flags 0x${arg.toString(16)} are not START/END with READ, WRITE or RW`);
        break;
      default:
        bad(v, ev, i, 'unknown op kind');
    }
  }
  if (place && n === 0) {
    throw new PolicyFaultError(v.inst.module.label, 'invalid-op', `answered PLACE of buffer ${ev.buf} with no ALLOC and no FAIL`);
  }
}
