// The byte layer of a binary trace writer (docs/trace.md, "Binary traces"): records appended to
// one large buffer, grouped into CRC-32 blocks, handed to the output in big chunks. No JSON, no
// hex, no number-to-string on this path, and a block is always open, so opening a record is one
// bounds check in the common case.
import { BINARY_MAGIC, BINARY_VERSION, BLOCK_HEADER_SIZE, BLOCK_MAX, BLOCK_TARGET, FILE_HEADER_SIZE, RECORD_HEADER_SIZE } from './binary-format.js';
import { crc32 } from './crc32.js';

/** Receives finished bytes; the chunk is only valid during the call (the buffer is reused). */
export type ByteSink = (chunk: Uint8Array) => void;

// Four blocks per hand-over: big enough for few writes, small enough to stay in cache and cost
// little to allocate for a short recording.
const CHUNK = 1 << 18;
const utf8 = new TextEncoder();

export class BinaryWriter {
  u8 = new Uint8Array(CHUNK);
  dv = new DataView(this.u8.buffer);
  /** Next free byte. */
  n = 0;
  /** Where the open block's header sits. */
  private block = 0;
  /** Where the open record's header sits. */
  private record = 0;
  /** Past this, the open block is closed before the next record. */
  private blockLimit = 0;

  constructor(private readonly out: ByteSink) {
    this.u8.set(BINARY_MAGIC, 0);
    this.dv.setUint32(BINARY_MAGIC.length, BINARY_VERSION, true);
    this.openBlock(FILE_HEADER_SIZE);
  }

  /** Opens a record of `type` with room for at least `room` payload bytes. */
  begin(type: number, room: number): void {
    let n = this.n;
    if (n >= this.blockLimit || n + RECORD_HEADER_SIZE + room > this.u8.length) n = this.nextBlock(room);
    this.record = n;
    this.u8[n] = type;
    this.n = n + RECORD_HEADER_SIZE;
  }

  /** Closes the open record: patches its payload length. */
  end(): void {
    this.dv.setUint32(this.record + 1, this.n - this.record - RECORD_HEADER_SIZE, true);
  }

  /** Makes room for `k` more payload bytes of the open record (strings of unknown length). */
  room(k: number): void {
    if (this.n + k <= this.u8.length) return;
    if (this.n + k - this.block > BLOCK_MAX) throw new RangeError(`a trace record of more than ${BLOCK_MAX - BLOCK_HEADER_SIZE} bytes`);
    // Move the open block to the front (the bytes before it go out first), then grow if needed.
    const start = this.block;
    if (start > 0) this.out(this.u8.subarray(0, start));
    this.u8.copyWithin(0, start, this.n);
    this.n -= start;
    this.record -= start;
    this.blockLimit -= start;
    this.block = 0;
    if (this.n + k > this.u8.length) this.grow(this.n + k);
  }

  u8v(v: number): void { this.u8[this.n++] = v; }
  u32(v: number): void { this.dv.setUint32(this.n, v, true); this.n += 4; }
  i32(v: number): void { this.dv.setInt32(this.n, v, true); this.n += 4; }
  u64(v: bigint): void { this.dv.setBigUint64(this.n, v, true); this.n += 8; }
  bytes(src: Uint8Array, start: number, end: number): void {
    if (end === start) return;
    this.u8.set(src.subarray(start, end), this.n);
    this.n += end - start;
  }

  /** Copies `len` bytes (a multiple of 4) from `src` at `at`, a word at a time. */
  words(src: DataView, at: number, len: number): void {
    const dv = this.dv;
    let n = this.n;
    for (let k = at, end = at + len; k < end; k += 4, n += 4) dv.setUint32(n, src.getUint32(k, true), true);
    this.n = n;
  }

  /** u32 byte length, then UTF-8. */
  str(s: string): void {
    this.room(4 + s.length * 3);
    const r = utf8.encodeInto(s, this.u8.subarray(this.n + 4));
    this.dv.setUint32(this.n, r.written, true);
    this.n += 4 + r.written;
  }

  /** u8 0 for null, else 1 and the string. */
  optStr(s: string | null | undefined): void {
    this.room(1);
    if (s == null) { this.u8v(0); return; }
    this.u8v(1);
    this.str(s);
  }

  /** Closes the open block and hands everything to the output. */
  flush(): void {
    this.closeBlock();
    if (this.n) this.out(this.u8.subarray(0, this.n));
    this.openBlock(0);
  }

  /** The open block is full, or the buffer is: closes the block (draining the buffer if needed) and opens the next. */
  private nextBlock(room: number): number {
    this.closeBlock();
    const need = BLOCK_HEADER_SIZE + RECORD_HEADER_SIZE + room;
    if (this.n + need > this.u8.length) {
      this.out(this.u8.subarray(0, this.n));
      this.n = 0;
      if (need > this.u8.length) this.grow(need);
    }
    this.openBlock(this.n);
    return this.n;
  }

  private openBlock(at: number): void {
    this.block = at;
    this.n = at + BLOCK_HEADER_SIZE;
    this.blockLimit = this.n + BLOCK_TARGET;
  }

  /** Writes the open block's length and CRC-32 (an empty block is dropped). */
  private closeBlock(): void {
    const b = this.block;
    const len = this.n - b - BLOCK_HEADER_SIZE;
    if (len === 0) { this.n = b; return; }
    this.dv.setUint32(b, len, true);
    this.dv.setUint32(b + 4, crc32(this.u8, b + BLOCK_HEADER_SIZE, this.n), true);
  }

  private grow(size: number): void {
    const next = new Uint8Array(Math.max(size, this.u8.length * 2));
    next.set(this.u8.subarray(0, this.n));
    this.u8 = next;
    this.dv = new DataView(next.buffer);
  }
}
