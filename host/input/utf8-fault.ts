// Bytes of an input file that are not UTF-8, named as jansson (the C host) names them: where it
// stopped (the line, and the characters before the bad byte on it), the byte (the lead of the
// invalid sequence) and the token it was reading. readFileSync(…, 'utf8') would have put U+FFFD
// in their place and read on, deciding where the C host refuses.
import { createScanner, parse, type ParseError } from 'jsonc-parser';
import { nearToken, positionOf } from './text-position.js';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The offset of the first byte that does not begin a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length;) {
    const c = b[i]!;
    if (c < 0x80) { i++; continue; }
    const k = (c & 0xe0) === 0xc0 ? 1 : (c & 0xf0) === 0xe0 ? 2 : (c & 0xf8) === 0xf0 ? 3 : -1;
    if (k < 0 || i + k >= b.length) return i; // not a lead byte, or its sequence cut short by the end
    let cp = c & (k === 1 ? 0x1f : k === 2 ? 0x0f : 0x07);
    for (let j = 1; j <= k; j++) {
      const d = b[i + j]!;
      if ((d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    const min = k === 1 ? 0x80 : k === 2 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) return i;
    i += k + 1;
  }
  return -1;
}

export interface Utf8Fault {
  line: number;
  column: number;
  detail: string;
}

/**
 * The fault of bytes `b` when they are not UTF-8 and nothing before the bad byte is already a
 * syntax error (that one comes first, as the C host reads in order); undefined otherwise.
 */
export function utf8Fault(b: Uint8Array): Utf8Fault | undefined {
  const at = firstInvalidUtf8(b);
  if (at < 0) return undefined;
  const before = strict.decode(b.subarray(0, at));
  const errors: ParseError[] = [];
  parse(before, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: true });
  // An error that ends before the cut is a syntax error of its own; one that reaches it is only
  // the document being cut short there.
  if (errors.some((e) => e.offset + e.length < before.length)) return undefined;
  const { line, column } = positionOf(before, before.length);
  // The token being read when the bad byte came: the last one, if it runs up to the cut and
  // was not finished there (a string's closing quote finishes it; a number or a word is only
  // finished by the character after it, which was the bad byte).
  const scan = createScanner(before, false);
  let token = '';
  while (scan.scan() !== 17 /* EOF */) {
    const end = scan.getTokenOffset() + scan.getTokenLength();
    const kind = scan.getToken();
    const open = kind === 10 /* string */ ? scan.getTokenError() !== 0 : kind === 11 /* number */ || kind === 16 /* unknown */ || (kind >= 7 && kind <= 9) /* literals */;
    token = end === before.length && open ? before.slice(scan.getTokenOffset(), end) : '';
  }
  // jansson's column 0 (the bad byte first on its line) is 1 in both hosts' messages.
  return { line, column: Math.max(1, column), detail: `unable to decode byte 0x${b[at]!.toString(16).padStart(2, '0')}${nearToken(token)}` };
}
