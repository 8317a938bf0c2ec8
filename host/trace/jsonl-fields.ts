// The typed fields of a JSON Lines trace line (docs/trace.md table, rule R1 of "Errors"): a
// mistyped or missing field is an InputError "FILE at line N FIELD: what is wrong". One Fields
// per reader, re-aimed at every line, so checking allocates nothing beyond the values it returns.
import { EventKind, NONE, OpKind } from '../abi/generated.js';
import { InputError } from '../errors.js';

const U64 = /^(0|[1-9][0-9]*)$/;
const HEX64 = /^[0-9a-f]{64}$/;
const U64_MAX = (1n << 64n) - 1n;

export const CALL_OP_WORDS: ReadonlySet<string> = new Set(['alloc', 'attach', 'device_begin', 'device_end', 'cpu_begin', 'cpu_end', 'export', 'free', 'place']);
export const ACCESS_WORD_SET: ReadonlySet<string> = new Set(['none', 'read', 'write', 'readwrite']);
export const EVENT_KIND_WORDS: ReadonlySet<string> = new Set(Object.keys(EventKind));
export const OP_KIND_WORDS: ReadonlySet<string> = new Set(Object.keys(OpKind));
export const FAULT_KINDS: ReadonlySet<string> = new Set(['trap', 'abort', 'status', 'invalid-op', 'fuel']);
export const SWAP_REASONS: ReadonlySet<string> = new Set(['explicit', 'fault']);

export class Fields {
  o: Record<string, unknown> = {};
  line = 0;

  constructor(readonly file: string) {}

  /** Aims the checks at line `line`'s object. */
  at(o: Record<string, unknown>, line: number): this {
    this.o = o;
    this.line = line;
    return this;
  }

  bad(field: string, detail: string): InputError {
    return new InputError(this.file, `line ${this.line} ${field}`, detail);
  }

  private got(field: string, v: unknown, want: string): InputError {
    return this.bad(field, v === undefined ? `missing (${want})` : `must be ${want}, got ${JSON.stringify(v)}`);
  }

  /** A JSON integer in [min, max]. */
  int(field: string, min = 0, max = 0xffffffff, v: unknown = this.o[field]): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw this.got(field, v, `an integer from ${min} to ${max}`);
    return v;
  }

  u32(field: string, v: unknown = this.o[field]): number {
    return this.int(field, 0, 0xffffffff, v);
  }

  /** An index, or -1 for NONE (returned as NONE). */
  idx(field: string, v: unknown = this.o[field]): number {
    const n = this.int(field, -1, 0xfffffffe, v);
    return n === -1 ? NONE : n;
  }

  /** A u64 as its decimal string: no sign, no leading zero, at most 2^64-1. */
  u64(field: string, v: unknown = this.o[field]): bigint {
    if (typeof v !== 'string' || !U64.test(v)) throw this.got(field, v, 'a decimal string');
    const n = BigInt(v);
    if (n > U64_MAX) throw this.bad(field, `${v} does not fit in 64 bits`);
    return n;
  }

  /** Like u64, kept as the string (call sizes travel as text). */
  u64Text(field: string, v: unknown = this.o[field]): string {
    this.u64(field, v);
    return v as string;
  }

  bool(field: string, v: unknown = this.o[field]): boolean {
    if (typeof v !== 'boolean') throw this.got(field, v, 'true or false');
    return v;
  }

  str(field: string, v: unknown = this.o[field]): string {
    if (typeof v !== 'string') throw this.got(field, v, 'a string');
    return v;
  }

  word(field: string, set: ReadonlySet<string>, v: unknown = this.o[field]): string {
    if (typeof v !== 'string' || !set.has(v)) throw this.got(field, v, `one of ${[...set].join(', ')}`);
    return v;
  }

  hex64(field: string, v: unknown = this.o[field]): string {
    if (typeof v !== 'string' || !HEX64.test(v)) throw this.got(field, v, '64 lowercase hex digits');
    return v;
  }

  array(field: string, v: unknown = this.o[field]): unknown[] {
    if (!Array.isArray(v)) throw this.got(field, v, 'an array');
    return v;
  }

  object(field: string, v: unknown = this.o[field]): Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw this.got(field, v, 'an object');
    return v as Record<string, unknown>;
  }
}
