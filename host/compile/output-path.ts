// Where `heapwise compile` writes: checked before any tool runs, so a typo in -o is bad input
// (exit 2) named in the user's words, not a linker failure about a temporary file.
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EXIT, HeapwiseError } from '../errors.js';

/** An output path that cannot be written (no such directory, not a directory, no permission). */
export class OutputPathError extends HeapwiseError {
  override readonly exitCode = EXIT.BAD_INPUT;
  constructor(readonly file: string, readonly reason: string) {
    super(`cannot write ${file}: ${reason}`);
    this.name = 'OutputPathError';
  }
}

/** Throws OutputPathError unless `file` can be created (or replaced) where it is named. */
export function checkOutputPath(file: string): void {
  const out = resolve(file);
  const dir = dirname(out);
  let dirStat;
  try {
    dirStat = statSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new OutputPathError(file, code === 'ENOENT' ? 'directory does not exist' : code === 'ENOTDIR' ? `${dir} is not a directory` : `cannot reach ${dir} (${code})`);
  }
  if (!dirStat.isDirectory()) throw new OutputPathError(file, `${dir} is not a directory`);
  if (statSync(out, { throwIfNoEntry: false })?.isDirectory()) throw new OutputPathError(file, 'it is a directory');
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new OutputPathError(file, `directory ${dir} is not writable`);
  }
}
