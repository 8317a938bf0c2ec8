// Input/output regions and the policy's identity: the only memory the host reads or writes.
// Everything is static (memory.data), so a decision allocates nothing: with the stub runtime
// an allocation per event would grow memory until the host's cap.
import { INPUT_CAPACITY, OUTPUT_CAPACITY, OUT_OPS_OFFSET, OUT_EXPLAIN_OFFSET, OUT_STRINGS_OFFSET,
  OUT_STRINGS_CAPACITY, MAX_OPS, MAX_EXPLAIN, OP_SIZE, EXPLAIN_SIZE, OutHeader } from './abi/generated';

export const input: usize = memory.data(INPUT_CAPACITY, 16);
export const output: usize = memory.data(OUTPUT_CAPACITY, 16);

// Identity strings as u32 length + UTF-8 (ASCII) bytes, written once by register().
export const nameBlob: usize = memory.data(68, 4);
export const versionBlob: usize = memory.data(36, 4);

/** Copies an ASCII string into a length-prefixed blob; longer strings are cut at cap. */
export function writeAsciiBlob(blob: usize, s: string, cap: i32): void {
  const n = min(s.length, cap);
  store<u32>(blob, <u32>n);
  for (let i = 0; i < n; i++) store<u8>(blob + 4 + <usize>i, <u8>s.charCodeAt(i));
}

/** The output header of the event being answered. */
export function out(): OutHeader { return OutHeader.at(output); }

// The counts of the answer being written, kept in wasm globals (no load from the header per
// entry) and written through to the header, which the host reads after hw_event.
let opCount: u32 = 0;
let explainCount: u32 = 0;
let stringsLen: u32 = 0;

/** Clears the counts of the output region before a new answer. */
export function resetOutput(): void {
  opCount = 0;
  explainCount = 0;
  stringsLen = 0;
  store<u64>(output, 0);
  store<u64>(output, 0, 8);
}

/** Appends an operation; returns false (and drops it) when the slots are full. */
export function emitOp(kind: u32, buf: u32, heap: u32, arg: u32, value: u64): bool {
  const n = opCount;
  if (n >= MAX_OPS) return false;
  // Op: kind, buf, heap, arg (u32 each), value (u64), little-endian: three u64 words.
  const at = output + OUT_OPS_OFFSET + <usize>n * OP_SIZE;
  store<u64>(at, <u64>kind | (<u64>buf << 32));
  store<u64>(at, <u64>heap | (<u64>arg << 32), 8);
  store<u64>(at, value, 16);
  opCount = n + 1;
  out().opCount = n + 1;
  return true;
}

/** Appends one reason behind the decision; silently dropped past MAX_EXPLAIN. */
export function emitExplain(subject: u8, verdict: u8, code: u16, heap: u32, device: u32, detail: u32): void {
  const n = explainCount;
  if (n >= MAX_EXPLAIN) return;
  // Explain: subject, verdict (u8), code (u16), heap, device, detail (u32), little-endian: two u64 words.
  const at = output + OUT_EXPLAIN_OFFSET + <usize>n * EXPLAIN_SIZE;
  store<u64>(at, <u64>subject | (<u64>verdict << 8) | (<u64>code << 16) | (<u64>heap << 32));
  store<u64>(at, <u64>device | (<u64>detail << 32), 8);
  explainCount = n + 1;
  out().explainCount = n + 1;
}

/** Copies bytes into the strings area; returns their offset there, or -1 when full. */
export function emitBytes(src: usize, len: u32): i32 {
  const at = stringsLen;
  if (at + len > OUT_STRINGS_CAPACITY) return -1;
  memory.copy(output + OUT_STRINGS_OFFSET + <usize>at, src, len);
  stringsLen = at + len;
  out().stringsLen = at + len;
  return <i32>at;
}

/** Copies an ASCII string into the strings area; returns its offset, or -1 when full. */
export function emitAscii(s: string): i32 {
  const at = stringsLen;
  const len = <u32>s.length;
  if (at + len > OUT_STRINGS_CAPACITY) return -1;
  for (let i: u32 = 0; i < len; i++) store<u8>(output + OUT_STRINGS_OFFSET + <usize>(at + i), <u8>s.charCodeAt(i));
  stringsLen = at + len;
  out().stringsLen = at + len;
  return <i32>at;
}
