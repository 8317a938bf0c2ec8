// CRC-32 (ISO-HDLC, as zlib and the C host compute it) over the blocks of a binary trace:
// node:zlib's native crc32 where the runtime has it (Node >= 20.15, Deno 2), else a table-driven
// one. Both give the same value, so traces are the same bytes whichever ran.
import * as zlib from 'node:zlib';

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** The table-driven CRC-32 of bytes [start, end) of `b` (the fallback, and the reference the tests check). */
export function crc32Table(b: Uint8Array, start = 0, end = b.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = TABLE[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** CRC-32 of bytes [start, end) of `b`. */
export const crc32: (b: Uint8Array, start?: number, end?: number) => number = typeof native === 'function'
  ? (b, start = 0, end = b.length) => native(b.subarray(start, end)) >>> 0
  : crc32Table;
