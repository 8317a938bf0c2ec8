// Reading the fields of one binary trace record, each bounded by the record's payload: a field
// cut short is an InputError at the record's offset, never a read past it. Every string is
// strict UTF-8 (the C host checks the same): bytes that are not are damage, not text to repair.
import type { BinaryCursor } from './binary-cursor.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class RecordFields {
  private p: number;

  constructor(private readonly c: BinaryCursor, skip = 0) {
    this.p = c.start + skip;
  }

  private take(k: number, what: string): number {
    const at = this.p;
    if (at + k > this.c.end) throw this.c.fault(`${what} cut short`);
    this.p += k;
    return at;
  }

  u8(what: string): number { return this.c.u8[this.take(1, what)]!; }
  u32(what: string): number { return this.c.dv.getUint32(this.take(4, what), true); }
  i32(what: string): number { return this.c.dv.getInt32(this.take(4, what), true); }
  u64(what: string): bigint { return this.c.dv.getBigUint64(this.take(8, what), true); }

  str(what: string): string {
    const len = this.u32(what);
    const at = this.take(len, what);
    try {
      return utf8.decode(this.c.u8.subarray(at, at + len));
    } catch {
      throw this.c.fault(`${what} is not UTF-8`);
    }
  }

  optStr(what: string): string | null {
    const present = this.u8(what);
    if (present > 1) throw this.c.fault(`${what}: presence byte ${present} (0 or 1)`);
    return present ? this.str(what) : null;
  }

  /** Steps over a u64 (checked present, not decoded). */
  skip64(what: string): void { this.take(8, what); }

  /** Steps over a string (checked present and UTF-8, not kept). */
  skipStr(what: string): void { this.str(what); }

  /** Steps over an optional string. */
  skipOptStr(what: string): void {
    const present = this.u8(what);
    if (present > 1) throw this.c.fault(`${what}: presence byte ${present} (0 or 1)`);
    if (present) this.skipStr(what);
  }

  /** The record holds nothing more. */
  done(): void {
    if (this.p !== this.c.end) throw this.c.fault(`${this.c.end - this.p} bytes left over`);
  }
}
