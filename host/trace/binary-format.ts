// Constants of the binary trace format (docs/trace.md, "Binary traces"): what writer and reader
// agree on, in one place.

/** "HWTRACE\0": the first 8 bytes of every binary trace. */
export const BINARY_MAGIC = new Uint8Array([0x48, 0x57, 0x54, 0x52, 0x41, 0x43, 0x45, 0x00]);
/** Version written; readers take every version in BINARY_VERSIONS (1: no manifest recorded). */
export const BINARY_VERSION = 2;
export const BINARY_VERSIONS: readonly number[] = [1, 2];
/** Magic plus the u32 version. */
export const FILE_HEADER_SIZE = 12;
/** u32 length and u32 crc32 in front of every block. */
export const BLOCK_HEADER_SIZE = 8;
/** u8 type and u32 payload length in front of every record. */
export const RECORD_HEADER_SIZE = 5;
/** Writers close a block once it holds this many bytes. */
export const BLOCK_TARGET = 1 << 16;
/** Largest block a reader accepts: bounds its memory whatever the trace says. */
export const BLOCK_MAX = 1 << 24;

export const Rec = { header: 1, call: 2, event: 3, answer: 4, fault: 5, result: 6, swap: 7, log: 8, end: 9 } as const;
export const REC_NAME: Record<number, string> = Object.fromEntries(Object.entries(Rec).map(([k, v]) => [v, k]));

/** Call ops by their code (index = code). */
export { CALL_OP_NAMES as CALL_OPS } from '../engine/tap.js';

/** Access words by their ABI value; OTHER_WORD marks a word the engine refused, written as a string. */
export const ACCESS_WORDS = ['none', 'read', 'write', 'readwrite'] as const;
export const ACCESS_CODE = new Map<string, number>(ACCESS_WORDS.map((w, i) => [w, i]));
export const OTHER_WORD = 255;

export const ALLOC_PROTECTED = 1;
export const ALLOC_DEFERRED = 2;

export const RESULT_FAILED = 0;
export const RESULT_OK = 1;
export const RESULT_OK_FD = 2;

/** True when `b` starts with the binary magic. */
export function isBinaryTrace(b: Uint8Array): boolean {
  if (b.length < BINARY_MAGIC.length) return false;
  for (let i = 0; i < BINARY_MAGIC.length; i++) if (b[i] !== BINARY_MAGIC[i]) return false;
  return true;
}
