// A binary trace as bytes with its blocks and records located, for tests that damage it in
// chosen places (and then fix the CRCs, or not).
import { readFileSync } from 'node:fs';
import { crc32 } from '../../host/trace/crc32.js';

export interface RecordAt {
  /** 1-based record index, type, file offsets of the record and of its payload, payload length. */
  index: number;
  type: number;
  at: number;
  payload: number;
  length: number;
  block: number;
}

export class BinaryTraceImage {
  readonly blocks: { at: number; length: number }[] = [];
  readonly records: RecordAt[] = [];

  constructor(readonly bytes: Buffer) {
    let p = 12;
    let index = 0;
    while (p < bytes.length) {
      const length = bytes.readUInt32LE(p);
      this.blocks.push({ at: p, length });
      for (let r = p + 8; r < p + 8 + length;) {
        const len = bytes.readUInt32LE(r + 1);
        this.records.push({ index: ++index, type: bytes[r]!, at: r, payload: r + 5, length: len, block: this.blocks.length - 1 });
        r += 5 + len;
      }
      p += 8 + length;
    }
  }

  static read(file: string): BinaryTraceImage {
    return new BinaryTraceImage(readFileSync(file));
  }

  u32(at: number): number {
    return this.bytes.readUInt32LE(at);
  }

  /** The bytes with every block's CRC-32 recomputed (so only the change itself is judged). */
  withCrcs(): Buffer {
    const out = Buffer.from(this.bytes);
    for (const b of this.blocks) out.writeUInt32LE(crc32(out, b.at + 8, b.at + 8 + b.length), b.at + 4);
    return out;
  }
}
