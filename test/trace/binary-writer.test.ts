// The byte layer of the binary writer: whatever the record sizes (small, past a block, past the
// buffer), every record lands whole in one block, in order, and every block's CRC-32 is right.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { BinaryWriter } from '../../host/trace/binary-writer.js';
import { crc32Table } from '../../host/trace/crc32.js';
import { BinaryTraceImage } from './binary-image.js';

function write(records: { type: number; text: string }[]): Buffer {
  const chunks: Buffer[] = [];
  const w = new BinaryWriter((c) => chunks.push(Buffer.from(c)));
  for (const r of records) {
    w.begin(r.type, 4);
    w.u32(r.text.length);
    w.str(r.text);
    w.end();
  }
  w.flush();
  return Buffer.concat(chunks);
}

describe('BinaryWriter', () => {
  it('keeps records whole and blocks checked, for any mix of sizes', () => {
    const sizes = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 60_000, max: 70_000 }), fc.integer({ min: 1_000_000, max: 1_300_000 }));
    fc.assert(fc.property(fc.array(fc.record({ type: fc.integer({ min: 1, max: 9 }), size: sizes, ch: fc.constantFrom('a', 'é', '€') }), { maxLength: 12 }), (spec) => {
      const records = spec.map((s) => ({ type: s.type, text: s.ch.repeat(s.size) }));
      const img = new BinaryTraceImage(write(records));
      expect(img.bytes.subarray(0, 12)).toEqual(Buffer.from([0x48, 0x57, 0x54, 0x52, 0x41, 0x43, 0x45, 0, 2, 0, 0, 0]));
      for (const b of img.blocks) {
        expect(b.length).toBeGreaterThan(0);
        expect(img.u32(b.at + 4)).toBe(crc32Table(img.bytes, b.at + 8, b.at + 8 + b.length));
      }
      expect(img.records.map((r) => r.type)).toEqual(records.map((r) => r.type));
      img.records.forEach((r, k) => {
        const text = records[k]!.text;
        expect(img.u32(r.payload)).toBe(text.length);
        expect(img.bytes.toString('utf8', r.payload + 8, r.payload + r.length)).toBe(text);
      });
    }), { numRuns: 25 });
  });
});
