// Reading what a module answered (ops, explanations, new buffer state) as a view over its output
// region: the counts and string references are checked at once, everything else is decoded only
// when somebody asks for it (the engine reads a few words; observers and traces read it all).
import {
  OutHeaderLayout as OH, OpLayout as OL, ExplainLayout as XL, OUT_OPS_OFFSET, OUT_EXPLAIN_OFFSET, OUT_STRINGS_OFFSET,
  OUT_STRINGS_CAPACITY, MAX_OPS, MAX_EXPLAIN, OpKind, BufferStateLayout as BS,
} from '../abi/generated.js';
import { PolicyFaultError } from '../errors.js';
import type { PolicyInstance } from '../module/instance.js';
import { LITTLE_ENDIAN } from './word-order.js';

export interface Op {
  kind: number;
  buf: number;
  heap: number;
  arg: number;
  /** Size for ALLOC, string offset for SET_NAME (exact: u64 read as bigint). */
  value: bigint;
  /** SET_NAME: the decoded name. */
  name?: string;
}

export interface ExplainEntry {
  subject: number;
  verdict: number;
  code: number;
  heap: number;
  device: number;
  detail: number;
}

/**
 * A module's answer. `ops`, `explains` and `state` are decoded from the instance's output region
 * on first access and then kept: read them before that instance's next event (the engine and its
 * observers' onAnswer/onResult always do). `state` is a copy; `inst` gives the raw bytes.
 */
export interface Outcome {
  ops: Op[];
  explains: ExplainEntry[];
  /** The module's new BufferState (32 bytes, copied). */
  state: Uint8Array;
  /** The instance whose output region holds this answer; its bytes are valid until its next event. */
  inst: PolicyInstance;
}

const OP_WORDS = OL.SIZE >>> 2;
/** Words per explanation, and where the explanations start in the output region, in words. */
export const EXPLAIN_WORDS = XL.SIZE >>> 2;
const OPS_WORD = OUT_OPS_OFFSET >>> 2;
export const EXPLAIN_WORD = OUT_EXPLAIN_OFFSET >>> 2;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Names are ASCII in practice: those need no decoder to check, and become strings directly. */
function isAscii(u8: Uint8Array, start: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (u8[start + i]! > 0x7f) return false;
  return true;
}

/** The checked answer of one event, read in place (see Outcome for how long it stays valid). */
export class AnswerView implements Outcome {
  private opList: Op[] | null = null;
  private explainList: ExplainEntry[] | null = null;
  private stateCopy: Uint8Array | null = null;
  /** A decoded SET_NAME that was not ASCII (op index -> name). */
  private decodedNames: Map<number, string> | null = null;

  /**
   * `w` holds the output region's words in machine order, the header at word `wb` (the module's
   * memory itself, or a copy when the region is misaligned); `base` is the region in inst.u8.
   */
  constructor(
    readonly inst: PolicyInstance,
    readonly w: Uint32Array,
    readonly wb: number,
    readonly base: number,
    readonly opCount: number,
    readonly explainCount: number,
  ) {}

  opKind(i: number): number { return this.w[this.wb + OPS_WORD + i * OP_WORDS]!; }
  opBuf(i: number): number { return this.w[this.wb + OPS_WORD + i * OP_WORDS + 1]!; }
  opHeap(i: number): number { return this.w[this.wb + OPS_WORD + i * OP_WORDS + 2]!; }
  opArg(i: number): number { return this.w[this.wb + OPS_WORD + i * OP_WORDS + 3]!; }
  opValueLow(i: number): number { return this.w[this.wb + OPS_WORD + i * OP_WORDS + 4]!; }
  opValueHigh(i: number): number { return this.w[this.wb + OPS_WORD + i * OP_WORDS + 5]!; }

  /** The op's u64 value, exactly. */
  opValue(i: number): bigint {
    const hi = this.opValueHigh(i);
    const lo = this.opValueLow(i);
    return hi === 0 ? BigInt(lo) : (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** The op's u64 value as a Number when below 2^53 (sizes the engine hands out always are), else -1. */
  opValueNumber(i: number): number {
    const hi = this.opValueHigh(i);
    return hi < 0x200000 ? hi * 0x100000000 + this.opValueLow(i) : -1;
  }

  /** The name a SET_NAME op points at (checked by readOutcome). */
  opName(i: number): string {
    const known = this.decodedNames?.get(i);
    if (known !== undefined) return known;
    const start = this.base + OUT_STRINGS_OFFSET + this.opValueLow(i);
    return String.fromCharCode.apply(null, this.inst.u8.subarray(start, start + this.opArg(i)) as unknown as number[]);
  }

  /** Is SET_NAME op i's name exactly `bytes` (the request's own name, in practice)? Then no string needs decoding. */
  opNameIs(i: number, bytes: Uint8Array): boolean {
    const len = this.opArg(i);
    if (len !== bytes.length) return false;
    const u8 = this.inst.u8;
    const start = this.base + OUT_STRINGS_OFFSET + this.opValueLow(i);
    for (let k = 0; k < len; k++) if (u8[start + k] !== bytes[k]) return false;
    return true;
  }

  /** Explanation i's fields, read in place. */
  explainSubject(i: number): number { return this.w[this.wb + EXPLAIN_WORD + i * EXPLAIN_WORDS]! & 0xff; }
  explainVerdict(i: number): number { return (this.w[this.wb + EXPLAIN_WORD + i * EXPLAIN_WORDS]! >>> 8) & 0xff; }
  explainCode(i: number): number { return this.w[this.wb + EXPLAIN_WORD + i * EXPLAIN_WORDS]! >>> 16; }
  explainHeap(i: number): number { return this.w[this.wb + EXPLAIN_WORD + i * EXPLAIN_WORDS + 1]!; }
  explainDevice(i: number): number { return this.w[this.wb + EXPLAIN_WORD + i * EXPLAIN_WORDS + 2]!; }
  explainDetail(i: number): number { return this.w[this.wb + EXPLAIN_WORD + i * EXPLAIN_WORDS + 3]!; }

  get ops(): Op[] {
    if (this.opList) return this.opList;
    const ops: Op[] = [];
    for (let i = 0; i < this.opCount; i++) {
      const op: Op = { kind: this.opKind(i), buf: this.opBuf(i), heap: this.opHeap(i), arg: this.opArg(i), value: this.opValue(i) };
      if (op.kind === OpKind.SET_NAME) op.name = this.opName(i);
      ops.push(op);
    }
    return (this.opList = ops);
  }

  get explains(): ExplainEntry[] {
    if (this.explainList) return this.explainList;
    const out: ExplainEntry[] = [];
    const w = this.w;
    // Explain: subject u8, verdict u8, code u16 (one little-endian word), heap, device, detail.
    for (let i = 0, at = this.wb + EXPLAIN_WORD; i < this.explainCount; i++, at += EXPLAIN_WORDS) {
      const head = w[at]!;
      out.push({ subject: head & 0xff, verdict: (head >>> 8) & 0xff, code: head >>> 16, heap: w[at + 1]!, device: w[at + 2]!, detail: w[at + 3]! });
    }
    return (this.explainList = out);
  }

  /** The explanations' raw words (EXPLAIN_WORDS per entry), copied: they outlive the next event. */
  explainWords(): number[] {
    // A plain array: a typed array this size lives off the JS heap and costs more to allocate than to fill.
    const from = this.wb + EXPLAIN_WORD;
    const n = this.explainCount * EXPLAIN_WORDS;
    const copy: number[] = [];
    for (let i = 0; i < n; i++) copy.push(this.w[from + i]!);
    return copy;
  }

  get state(): Uint8Array {
    if (this.stateCopy) return this.stateCopy;
    // slice: one allocation and a memcpy (measured ~20 % cheaper than filling a new array).
    const at = this.base + OH.state;
    return (this.stateCopy = this.inst.u8.slice(at, at + BS.SIZE));
  }

  /** Copies the new BufferState into a buffer's state words (machine order, as Buffer.stateWords): no allocation. */
  stateTo(words: Uint32Array): void {
    if (this.w === this.inst.u32) {
      const from = this.wb + (OH.state >>> 2);
      for (let k = 0; k < (BS.SIZE >>> 2); k++) words[k] = this.w[from + k]!;
      return;
    }
    // A misaligned output region: the words assembled from the bytes in machine order.
    const at = this.base + OH.state;
    const u8 = this.inst.u8;
    for (let k = 0; k < (BS.SIZE >>> 2); k++) {
      const b = at + 4 * k;
      words[k] = LITTLE_ENDIAN
        ? (u8[b]! | (u8[b + 1]! << 8) | (u8[b + 2]! << 16) | (u8[b + 3]! << 24)) >>> 0
        : ((u8[b]! << 24) | (u8[b + 1]! << 16) | (u8[b + 2]! << 8) | u8[b + 3]!) >>> 0;
    }
  }

  /** Records a non-ASCII name readOutcome decoded while checking it. */
  keepName(i: number, name: string): void {
    (this.decodedNames ??= new Map()).set(i, name);
  }
}

/** Per instance: the output region's words copied in machine order, for regions the module placed misaligned. */
const copies = new WeakMap<PolicyInstance, Uint32Array>();

function copyOf(inst: PolicyInstance): Uint32Array {
  let w = copies.get(inst);
  if (!w) copies.set(inst, (w = new Uint32Array(OUT_STRINGS_OFFSET >>> 2)));
  return w;
}

function copyWords(inst: PolicyInstance, w: Uint32Array, fromWord: number, words: number): void {
  const dv = inst.dv;
  const at = inst.output + fromWord * 4;
  for (let i = 0; i < words; i++) w[fromWord + i] = dv.getUint32(at + i * 4, true);
}

/**
 * Reads the output region's header; refuses counts beyond the slots or the host's op cap, and
 * SET_NAME strings outside the bytes written or not UTF-8 (in op order, before anything else).
 */
export function readOutcome(inst: PolicyInstance, opCap: number): AnswerView {
  const base = inst.output;
  const label = inst.module.label;
  const copied = (base & 7) !== 0 || !LITTLE_ENDIAN;
  const w = copied ? copyOf(inst) : inst.u32;
  const wb = copied ? 0 : base >>> 2;
  if (copied) copyWords(inst, w, 0, 3);
  const opCount = w[wb + (OH.opCount >>> 2)]!;
  const explainCount = w[wb + (OH.explainCount >>> 2)]!;
  const stringsLen = w[wb + (OH.stringsLen >>> 2)]!;
  const cap = opCap < MAX_OPS ? opCap : MAX_OPS;
  if (opCount > cap) throw new PolicyFaultError(label, 'invalid-op', `asked for ${opCount} operations in one answer; the cap is ${Math.min(opCap, MAX_OPS)}`);
  if (explainCount > MAX_EXPLAIN) throw new PolicyFaultError(label, 'invalid-op', `wrote ${explainCount} explanations; at most ${MAX_EXPLAIN}`);
  if (stringsLen > OUT_STRINGS_CAPACITY) throw new PolicyFaultError(label, 'invalid-op', `wrote ${stringsLen} string bytes; at most ${OUT_STRINGS_CAPACITY}`);
  if (copied) {
    copyWords(inst, w, OPS_WORD, opCount * OP_WORDS);
    copyWords(inst, w, EXPLAIN_WORD, explainCount * EXPLAIN_WORDS);
  }
  const view = new AnswerView(inst, w, wb, base, opCount, explainCount);
  for (let i = 0; i < opCount; i++) {
    if (view.opKind(i) !== OpKind.SET_NAME) continue;
    const len = view.opArg(i);
    const off = view.opValueLow(i);
    if (view.opValueHigh(i) !== 0 || off > stringsLen || off + len > stringsLen) {
      throw new PolicyFaultError(label, 'invalid-op', `SET_NAME points at string bytes [${view.opValue(i)}, +${len}) beyond the ${stringsLen} written`);
    }
    const start = base + OUT_STRINGS_OFFSET + off;
    if (isAscii(inst.u8, start, len)) continue;
    try {
      view.keepName(i, utf8.decode(inst.u8.subarray(start, start + len)));
    } catch {
      throw new PolicyFaultError(label, 'invalid-op', 'SET_NAME with a name that is not UTF-8');
    }
  }
  return view;
}
