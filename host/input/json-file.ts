// Reading a JSON input file with errors that name the file, line and column.
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';

/** Parses JSON text; a syntax error names `file` and the line:column of the fault. */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const m = /position (\d+)/.exec(msg);
    if (m) {
      const pos = Number(m[1]);
      const before = text.slice(0, pos);
      const line = before.split('\n').length;
      const col = pos - before.lastIndexOf('\n');
      throw new InputError(file, '', `malformed JSON at line ${line} column ${col}: ${msg}`);
    }
    throw new InputError(file, '', `malformed JSON: ${msg}`);
  }
}

/** Reads and parses a JSON file; a missing or unreadable file is an InputError naming it. */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(file, '', `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseJson(text, file);
}
