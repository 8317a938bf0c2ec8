// Writing trace lines to a file: buffered, and atomic (a temporary file renamed at the end), so
// a failed run leaves no half-written trace behind.
import { closeSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { InputError } from '../errors.js';

export class TraceFile {
  private fd: number;
  private chunks: string[] = [];
  private size = 0;
  private readonly tmp: string;

  constructor(readonly path: string) {
    this.tmp = `${path}.tmp-${process.pid}`;
    try {
      this.fd = openSync(this.tmp, 'w');
    } catch (e) {
      throw new InputError(path, '', `cannot write trace: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }

  /** The line sink to hand a TraceRecorder. */
  readonly line = (text: string): void => {
    this.chunks.push(text, '\n');
    this.size += text.length + 1;
    if (this.size >= 1 << 16) this.flush();
  };

  private flush(): void {
    if (!this.chunks.length) return;
    writeSync(this.fd, this.chunks.join(''));
    this.chunks = [];
    this.size = 0;
  }

  /** Flushes and moves the finished trace into place. */
  commit(): void {
    this.flush();
    closeSync(this.fd);
    renameSync(this.tmp, this.path);
  }

  /** Drops the partial trace. */
  abort(): void {
    try { closeSync(this.fd); } catch { /* already closed */ }
    try { unlinkSync(this.tmp); } catch { /* already gone */ }
  }
}
