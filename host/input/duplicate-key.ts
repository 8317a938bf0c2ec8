// Duplicate object keys in an input file. JSON.parse keeps the last one silently; a platform,
// request or workload that says two things about one field is a mistake worth naming, and the C
// host (jansson, JSON_REJECT_DUPLICATES) refuses it: both say where, in the same words.
import { visit } from 'jsonc-parser';

export interface DuplicateKey {
  /** 1-based line of the repeated key. */
  line: number;
  /** 1-based column of the key's closing quote, where jansson stops and reports. */
  column: number;
  /** The key as written (quotes and escapes included), as jansson's "near" shows it. */
  token: string;
}

/** The first key that repeats one before it in the same object (keys compared decoded), if any. */
export function firstDuplicateKey(text: string): DuplicateKey | undefined {
  const open: Set<string>[] = [];
  let at = -1;
  let length = 0;
  visit(text, {
    onObjectBegin: () => {
      open.push(new Set());
    },
    onObjectProperty: (key, offset, len) => {
      const keys = open[open.length - 1]!;
      if (at < 0 && keys.has(key)) {
        at = offset;
        length = len;
      }
      keys.add(key);
    },
    onObjectEnd: () => {
      open.pop();
    },
  }, { disallowComments: true });
  if (at < 0) return undefined;
  const end = at + length - 1;
  const lineStart = text.lastIndexOf('\n', at) + 1;
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return { line, column: end - lineStart + 1, token: text.slice(at, at + length) };
}
