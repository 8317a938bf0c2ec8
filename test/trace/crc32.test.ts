// The CRC-32 of binary trace blocks: the runtime's native one and the table fallback agree with
// each other and with the ISO-HDLC check value, so a trace is the same bytes whichever computed it.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { crc32, crc32Table } from '../../host/trace/crc32.js';

describe('crc32', () => {
  it('gives the standard check value', () => {
    const check = new TextEncoder().encode('123456789');
    expect(crc32(check)).toBe(0xcbf43926);
    expect(crc32Table(check)).toBe(0xcbf43926);
  });

  it('native and table agree on any bytes and any range', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(), fc.nat(), (b, x, y) => {
      const s = b.length ? x % b.length : 0;
      const e = s + (b.length ? y % (b.length - s + 1) : 0);
      expect(crc32(b, s, e)).toBe(crc32Table(b, s, e));
    }));
  });
});
