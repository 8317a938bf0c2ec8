// The byte layer of a binary trace writer (docs/trace.md, "Binary traces"): records appended to
// one large buffer, grouped into CRC-32 blocks, handed to the output in big chunks. No JSON, no
// hex, no number-to-string on this path.
import { BINARY_MAGIC, BINARY_VERSION, BLOCK_HEADER_SIZE, BLOCK_MAX, BLOCK_TARGET, FILE_HEADER_SIZE, RECORD_HEADER_SIZE } from './binary-format.js';
import { crc32 } from './crc32.js';

/** Receives finished bytes; the chunk is only valid during the call (the buffer is reused). */
export type ByteSink = (chunk: Uint8Array) => void;

const CHUNK = 1 << 20;
const utf8 = new TextEncoder();

export class BinaryWriter {
  u8 = new Uint8Array(CHUNK);
  dv = new DataView(this.u8.buffer);
  /** Next free byte. */
  n = 0;
  /** Where the open block's header sits (-1: none open). */
  private block = -1;
  /** Where the open record's header sits. */
  private record = 0;

  constructor(private readonly out: ByteSink) {
    this.u8.set(BINARY_MAGIC, 0);
    this.dv.setUint32(BINARY_MAGIC.length, BINARY_VERSION, true);
    this.n = FILE_HEADER_SIZE;
  }

  /** Opens a record of `type` with room for at least `room` payload bytes. */
  begin(type: number, room: number): void {
    if (this.block >= 0 && this.n - this.block - BLOCK_HEADER_SIZE >= BLOCK_TARGET) this.closeBlock();
    const need = RECORD_HEADER_SIZE + room + (this.block < 0 ? BLOCK_HEADER_SIZE : 0);
    if (this.n + need > this.u8.length) {
      // A record never spans blocks; the open block goes out with everything before it.
      if (this.block >= 0) this.closeBlock();
      this.drain();
      if (need > this.u8.length) this.grow(need);
    }
    if (this.block < 0) {
      this.block = this.n;
      this.n += BLOCK_HEADER_SIZE;
    }
    this.record = this.n;
    this.u8[this.n] = type;
    this.n += RECORD_HEADER_SIZE;
  }

  /** Closes the open record: patches its payload length. */
  end(): void {
    const len = this.n - this.record - RECORD_HEADER_SIZE;
    if (this.n - this.block - BLOCK_HEADER_SIZE > BLOCK_MAX) throw new RangeError(`trace record of ${len} bytes exceeds the ${BLOCK_MAX}-byte block limit`);
    this.dv.setUint32(this.record + 1, len, true);
  }

  /** Makes room for `k` more payload bytes of the open record (strings of unknown length). */
  room(k: number): void {
    if (this.n + k <= this.u8.length) return;
    const start = this.block;
    // Move the open block to the front (the bytes before it go out first), then grow if needed.
    if (start > 0) this.out(this.u8.subarray(0, start));
    this.u8.copyWithin(0, start, this.n);
    this.n -= start;
    this.record -= start;
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
    if (this.block >= 0) this.closeBlock();
    this.drain();
  }

  private closeBlock(): void {
    const b = this.block;
    const len = this.n - b - BLOCK_HEADER_SIZE;
    this.dv.setUint32(b, len, true);
    this.dv.setUint32(b + 4, crc32(this.u8, b + BLOCK_HEADER_SIZE, this.n), true);
    this.block = -1;
  }

  private drain(): void {
    if (this.n) this.out(this.u8.subarray(0, this.n));
    this.n = 0;
  }

  private grow(size: number): void {
    const next = new Uint8Array(Math.max(size, this.u8.length * 2));
    next.set(this.u8.subarray(0, this.n));
    this.u8 = next;
    this.dv = new DataView(next.buffer);
  }
}
