// Opening a trace file for reading: a missing or unreadable file is bad input naming the file.
import { openSync } from 'node:fs';
import { InputError } from '../errors.js';

export function openTrace(file: string): number {
  try {
    return openSync(file, 'r');
  } catch (e) {
    throw new InputError(file, '', `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
