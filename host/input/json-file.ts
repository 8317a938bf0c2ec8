// Reading a JSON input file with errors that name the file, line and column.
import { readFileSync } from 'node:fs';
import { parse as parseTolerant, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { InputError } from '../errors.js';
import { firstKeyFault } from './key-fault.js';
import { utf8Fault } from './utf8-fault.js';

// ignoreBOM: a byte order mark stays in the text, as readFileSync(…, 'utf8') kept it (JSON.parse refuses it, as jansson does).
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Parses JSON text; a syntax error or a key jansson refuses (repeated, or holding NUL) names `file` and the line:column of the fault. */
export function parseJson(text: string, file: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    // JSON.parse does not always say where; jsonc-parser (strict settings) locates the fault.
    const errors: ParseError[] = [];
    parseTolerant(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    if (first) {
      const before = text.slice(0, first.offset);
      const line = before.split('\n').length;
      const col = first.offset - before.lastIndexOf('\n');
      throw new InputError(file, '', `malformed JSON at line ${line} column ${col}: ${printParseErrorCode(first.error)}`);
    }
    throw new InputError(file, '', `malformed JSON: ${(e as Error).message}`);
  }
  const key = firstKeyFault(text);
  if (key) throw new InputError(file, '', `malformed JSON at line ${key.line} column ${key.column}: ${key.detail}`);
  return value;
}

/** Reads and parses a JSON file; a missing or unreadable file, or one that is not UTF-8, is an InputError naming it. */
export function readJsonFile(file: string): unknown {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new InputError(file, '', `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let text: string;
  try {
    text = strictUtf8.decode(bytes); // native: the byte-by-byte search runs only for a bad file
  } catch {
    const bad = utf8Fault(bytes);
    if (bad) throw new InputError(file, '', `malformed JSON at line ${bad.line} column ${bad.column}: ${bad.detail}`);
    text = bytes.toString('utf8'); // a syntax error comes before the bad bytes: parseJson names it
  }
  return parseJson(text, file);
}
