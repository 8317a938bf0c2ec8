// The deterministic byte pattern a CPU access writes and later verifies. Each 32-bit word
// depends on the stamp and its index, so a stale line, a wrong buffer or a lost write all show.
function word(stamp: number, index: number): number {
  let x = (Math.imul(stamp ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x ^= x >>> 15;
  return x >>> 0;
}

/** Byte `i` of the pattern (little-endian words, as Uint32Array writes them on x86/arm64). */
function byteAt(stamp: number, i: number): number {
  return (word(stamp, i >>> 2) >>> ((i & 3) * 8)) & 0xff;
}

export function writePattern(bytes: Uint8Array, stamp: number): void {
  const nWords = bytes.length >>> 2;
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, nWords);
  for (let i = 0; i < nWords; i++) words[i] = word(stamp, i);
  for (let i = nWords * 4; i < bytes.length; i++) bytes[i] = byteAt(stamp, i);
}

/** Index of the first byte that differs from the pattern (null stamp: all zero), or -1. */
export function findMismatch(bytes: Uint8Array, stamp: number | null): number {
  const nWords = bytes.length >>> 2;
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, nWords);
  for (let i = 0; i < nWords; i++) {
    if (words[i] !== (stamp === null ? 0 : word(stamp, i))) {
      for (let b = i * 4; b < i * 4 + 4; b++) if (bytes[b] !== (stamp === null ? 0 : byteAt(stamp, b))) return b;
    }
  }
  for (let i = nWords * 4; i < bytes.length; i++) if (bytes[i] !== (stamp === null ? 0 : byteAt(stamp, i))) return i;
  return -1;
}
