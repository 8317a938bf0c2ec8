// Object keys JSON.parse takes and jansson (the C host) refuses: a key repeated in one object
// (JSON.parse keeps the last silently; a platform, request or workload that says two things
// about one field is a mistake worth naming) and a key holding NUL (jansson stores keys as C
// strings). Both hosts refuse them at the same place in the same words.
import { visit } from 'jsonc-parser';
import { nearToken, positionOf } from './text-position.js';

export interface KeyFault {
  /** 1-based line of the key. */
  line: number;
  /** 1-based column (in characters) of the key's closing quote, where jansson stops and reports. */
  column: number;
  /** jansson's words, with the key as written (quotes and escapes included) when it is short. */
  detail: string;
}

/** The first key, in document order, that repeats one before it in its object (keys compared decoded) or holds NUL. */
export function firstKeyFault(text: string): KeyFault | undefined {
  const open: Set<string>[] = [];
  let at = -1;
  let length = 0;
  let what = '';
  visit(text, {
    onObjectBegin: () => {
      open.push(new Set());
    },
    onObjectProperty: (key, offset, len) => {
      const keys = open[open.length - 1]!;
      if (at < 0 && (key.includes('\0') || keys.has(key))) {
        at = offset;
        length = len;
        what = key.includes('\0') ? 'NUL byte in object key not supported' : 'duplicate object key';
      }
      keys.add(key);
    },
    onObjectEnd: () => {
      open.pop();
    },
  }, { disallowComments: true });
  if (at < 0) return undefined;
  // jansson stops at the key's closing quote.
  return { ...positionOf(text, at + length), detail: `${what}${nearToken(text.slice(at, at + length))}` };
}
