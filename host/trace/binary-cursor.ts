// Streams the records of a binary trace (docs/trace.md, "Binary traces") with fixed memory: one
// block at a time, its CRC-32 checked before any of its records is seen, and the order rules of
// the format checked on every record. Every fault is an InputError naming the file, the byte
// offset and the record index.
import { closeSync, readSync } from 'node:fs';
import { EVENT_USAGE_OFFSET, EventKind, OpKindName, MAX_HEAPS, NONE, EventLayout as EL, NAME_CAPACITY, OUT_OPS_OFFSET, OutHeaderLayout as OH, OpLayout as OL, ExplainLayout as XL, MAX_OPS, MAX_EXPLAIN, OUT_STRINGS_CAPACITY } from '../abi/generated.js';
import { InputError } from '../errors.js';
import { BINARY_MAGIC, BINARY_VERSIONS, BLOCK_HEADER_SIZE, BLOCK_MAX, FILE_HEADER_SIZE, isBinaryTrace, Rec, REC_NAME, RECORD_HEADER_SIZE, RESULT_FAILED } from './binary-format.js';
import { crc32 } from './crc32.js';
import { openTrace } from './open-trace.js';
import { TraceOrder } from './trace-order.js';

/** Bytes before the event image in an event record (i, n) and before the answer image (i). */
export const EVENT_PREFIX = 8;
export const ANSWER_PREFIX = 4;

export class BinaryCursor {
  u8 = new Uint8Array(1 << 20);
  dv = new DataView(this.u8.buffer);
  /** The current record: its type, payload [start, end) in u8, 1-based index, file offset. */
  type = 0;
  start = 0;
  end = 0;
  index = 0;
  private recordAt = 0;
  private fd: number;
  /** File offset of u8[0], bytes loaded, next record position, end of the current block. */
  private base = 0;
  private fill = 0;
  private pos = 0;
  private blockEnd = 0;
  private eof = false;
  /** The order rules shared with the JSON Lines reader. */
  private order = new TraceOrder();
  private ended = false;
  /** The header's platform counts, once known (platform()); until then images are only bounded. */
  private heaps = -1;
  private devices = -1;
  /** The file's format version (2 records manifests). */
  readonly version: number;

  constructor(readonly file: string) {
    this.fd = openTrace(file);
    try {
      const whole = this.load(FILE_HEADER_SIZE);
      if (!isBinaryTrace(this.u8.subarray(0, this.fill))) throw this.error(0, 'not a binary heapwise trace (no HWTRACE magic)');
      // The magic is whole, the version after it is not: a truncated trace, not a foreign file (as the C reader says).
      if (!whole) throw this.error(BINARY_MAGIC.length, 'truncated: the format version is cut short');
      const v = this.dv.getUint32(8, true);
      if (!BINARY_VERSIONS.includes(v)) throw this.error(8, `binary trace format version ${v}; this reader knows versions ${BINARY_VERSIONS.join(' and ')}`);
      this.version = v;
    } catch (e) {
      this.close();
      throw e;
    }
    this.pos = this.blockEnd = FILE_HEADER_SIZE;
  }

  /** The header's platform: from now on event images are checked against its heaps and devices. */
  platform(heaps: number, devices: number): void {
    this.heaps = heaps;
    this.devices = devices;
  }

  /** Bytes of the file consumed so far. */
  get bytesRead(): number {
    return this.base + this.pos;
  }

  /** File offset of the current record. */
  get offset(): number {
    return this.base + this.recordAt;
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }

  /** An InputError at file offset `at` (in u8) for the current record. */
  error(at: number, detail: string): InputError {
    return new InputError(this.file, `byte ${this.base + at}${this.index ? ` (record ${this.index})` : ''}`, detail);
  }

  /** An InputError about the current record's payload. */
  fault(detail: string): InputError {
    return this.error(this.recordAt, `${REC_NAME[this.type] ?? `record type ${this.type}`} record: ${detail}`);
  }

  /** Moves to the next record; false after the end record (and the file's end). */
  next(): boolean {
    if (this.pos >= this.blockEnd) {
      if (this.ended) {
        if (this.load(1)) throw this.error(this.pos, 'bytes after the block holding the end record');
        return false;
      }
      this.openBlock();
    } else if (this.ended) {
      throw this.error(this.pos, 'a record after the end record');
    }
    this.index++;
    const at = this.pos;
    this.recordAt = at;
    if (this.blockEnd - at < RECORD_HEADER_SIZE) throw this.error(at, 'record header runs past its block');
    this.type = this.u8[at]!;
    const len = this.dv.getUint32(at + 1, true);
    if (len > this.blockEnd - at - RECORD_HEADER_SIZE) throw this.error(at, `record of ${len} bytes runs past its block (${this.blockEnd - at - RECORD_HEADER_SIZE} left)`);
    this.start = at + RECORD_HEADER_SIZE;
    this.end = this.start + len;
    this.pos = this.end;
    this.check();
    return true;
  }

  /** An InputError about a block: named by the record it would start with (the next one). */
  private blockError(at: number, detail: string): InputError {
    return new InputError(this.file, `byte ${this.base + at} (record ${this.index + 1})`, detail);
  }

  private openBlock(): void {
    if (!this.load(BLOCK_HEADER_SIZE)) {
      throw this.fill === this.pos ? this.blockError(this.pos, `truncated: no end record after ${this.index} records`) : this.blockError(this.pos, 'truncated: block header cut short');
    }
    const p = this.pos;
    const len = this.dv.getUint32(p, true);
    const crc = this.dv.getUint32(p + 4, true);
    if (len === 0 || len > BLOCK_MAX) throw this.blockError(p, `corrupted block length ${len} (1 to ${BLOCK_MAX})`);
    if (!this.load(BLOCK_HEADER_SIZE + len)) throw this.blockError(this.pos, `truncated: block of ${len} bytes, the file ends ${this.fill - this.pos - BLOCK_HEADER_SIZE} bytes into it`);
    const q = this.pos;
    const actual = crc32(this.u8, q + BLOCK_HEADER_SIZE, q + BLOCK_HEADER_SIZE + len);
    if (actual !== crc) throw this.blockError(q, `corrupted block: CRC-32 ${hex(actual)}, recorded ${hex(crc)}`);
    this.blockEnd = q + BLOCK_HEADER_SIZE + len;
    this.pos = q + BLOCK_HEADER_SIZE;
  }

  /** Makes u8[pos, pos + k) hold file bytes, moving and growing the buffer as needed; false at EOF. */
  private load(k: number): boolean {
    if (this.fill - this.pos >= k) return true;
    if (this.pos > 0) {
      this.u8.copyWithin(0, this.pos, this.fill);
      this.base += this.pos;
      this.fill -= this.pos;
      this.blockEnd = Math.max(0, this.blockEnd - this.pos);
      this.pos = 0;
    }
    if (k > this.u8.length) {
      const next = new Uint8Array(Math.max(k, this.u8.length * 2));
      next.set(this.u8.subarray(0, this.fill));
      this.u8 = next;
      this.dv = new DataView(next.buffer);
    }
    while (this.fill < k && !this.eof) {
      const n = readSync(this.fd, this.u8, this.fill, this.u8.length - this.fill, null);
      if (n === 0) this.eof = true;
      this.fill += n;
    }
    return this.fill >= k;
  }

  private u32(off: number): number {
    if (this.start + off + 4 > this.end) throw this.fault('cut short');
    return this.dv.getUint32(this.start + off, true);
  }

  /** The format's order rules, and the image lengths replay relies on. */
  private check(): void {
    const t = this.type;
    if (this.index === 1 && t !== Rec.header) throw this.fault('the first record must be the header');
    let wrong: string | null = null;
    switch (t) {
      case Rec.header:
        if (this.index !== 1) throw this.fault('a second header');
        return;
      case Rec.call:
        wrong = this.order.call(this.u32(0));
        break;
      case Rec.event: {
        const n = this.u32(4);
        wrong = this.order.event(this.u32(0), n === NONE ? -1 : n);
        if (!wrong) this.checkEventImage();
        break;
      }
      case Rec.answer: {
        const i = this.u32(0);
        this.checkAnswerImage();
        wrong = this.order.answer(i, this.dv.getUint32(this.start + ANSWER_PREFIX + OH.opCount, true));
        break;
      }
      case Rec.fault:
        wrong = this.order.fault(this.u32(0));
        break;
      case Rec.log:
        wrong = this.order.log(this.u32(0));
        break;
      case Rec.result: {
        const i = this.u32(0);
        const op = this.dv.getInt32(this.start + 4, true);
        if (this.start + 9 > this.end) throw this.fault('cut short');
        if (op < 0) throw this.fault(`op ${op} is negative`);
        wrong = this.order.result(i, op, this.u8[this.start + 8] === RESULT_FAILED ? false : true);
        break;
      }
      case Rec.swap:
        wrong = this.order.swap(this.u32(0));
        break;
      case Rec.end:
        wrong = this.order.end(this.u32(0), this.u32(4));
        this.ended = !wrong;
        break;
      default:
        throw this.error(this.recordAt, `unknown record type ${t}`);
    }
    if (wrong) throw this.fault(wrong);
  }

  private checkEventImage(): void {
    const len = this.end - this.start - EVENT_PREFIX;
    if (len < EVENT_USAGE_OFFSET || (len - EVENT_USAGE_OFFSET) % 8 !== 0) throw this.fault(`event image of ${len} bytes (128, or 128 + 8 per heap for PLACE)`);
    const b = this.start + EVENT_PREFIX;
    const kind = this.dv.getUint32(b + EL.kind, true);
    if (kind < EventKind.PLACE || kind > EventKind.FREE) throw this.fault(`unknown event kind ${kind}`);
    if (kind !== EventKind.PLACE && len !== EVENT_USAGE_OFFSET) throw this.fault(`event image of ${len} bytes; only PLACE carries usage`);
    // Bounded whatever the platform says: replay copies the image into the module's input region.
    const usage = (len - EVENT_USAGE_OFFSET) / 8;
    if (usage > MAX_HEAPS || (kind === EventKind.PLACE && this.heaps >= 0 && usage !== this.heaps)) throw this.fault(`PLACE image carries usage of ${usage} heaps; the platform has ${this.heaps}`);
    if (this.dv.getUint32(b + EL.access, true) > 3 || this.dv.getUint32(b + EL.cpu, true) > 3) throw this.fault('access and cpu must be Access values (0-3)');
    if (this.dv.getUint32(b + EL.nameLen, true) > NAME_CAPACITY) throw this.fault(`name of ${this.dv.getUint32(b + EL.nameLen, true)} bytes (at most ${NAME_CAPACITY})`);
    if (this.heaps < 0) return;
    const device = this.dv.getUint32(b + EL.device, true);
    const heap = this.dv.getUint32(b + EL.heap, true);
    if (device !== NONE && device >= this.devices) throw this.fault(`device index ${device} outside the platform's ${this.devices} devices`);
    if (heap !== NONE && heap >= this.heaps) throw this.fault(`heap index ${heap} outside the platform's ${this.heaps} heaps`);
  }

  private checkAnswerImage(): void {
    const b = this.start + ANSWER_PREFIX;
    const len = this.end - b;
    if (len < OUT_OPS_OFFSET) throw this.fault(`answer image of ${len} bytes, shorter than the ${OUT_OPS_OFFSET}-byte OutHeader`);
    const ops = this.dv.getUint32(b + OH.opCount, true);
    const explains = this.dv.getUint32(b + OH.explainCount, true);
    const strings = this.dv.getUint32(b + OH.stringsLen, true);
    if (ops > MAX_OPS || explains > MAX_EXPLAIN || strings > OUT_STRINGS_CAPACITY) throw this.fault(`answer counts ${ops} ops, ${explains} explanations, ${strings} string bytes exceed the output region`);
    const want = OUT_OPS_OFFSET + ops * OL.SIZE + explains * XL.SIZE + strings;
    if (len !== want) throw this.fault(`answer image of ${len} bytes; its counts make ${want}`);
    for (let k = 0, o = b + OUT_OPS_OFFSET; k < ops; k++, o += OL.SIZE) {
      const kind = this.dv.getUint32(o + OL.kind, true);
      if (OpKindName[kind] === undefined) throw this.fault(`op ${k} has unknown kind ${kind}`);
      const heap = this.dv.getUint32(o + OL.heap, true);
      if (heap !== NONE && this.heaps >= 0 && heap >= this.heaps) throw this.fault(`op ${k} heap index ${heap} outside the platform's ${this.heaps} heaps`);
    }
  }
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
