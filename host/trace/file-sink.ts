// Writing a trace to a file: buffered, and atomic (a temporary file renamed at the end), so a
// failed run leaves no half-written trace behind. JSON Lines through `line`, binary through `bytes`.
import { closeSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { InputError } from '../errors.js';
import { BinaryEncoder } from './binary-encoder.js';
import type { TraceEncoder } from './trace-encoder.js';

export type TraceEncoding = 'binary' | 'jsonl';

/** The encoding `simulate --record` picks from a file name: binary for .hwtrace, else JSON Lines. */
export function traceEncodingFor(path: string): TraceEncoding {
  return path.toLowerCase().endsWith('.hwtrace') ? 'binary' : 'jsonl';
}

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

  /** The line sink to hand a TraceRecorder (JSON Lines). */
  readonly line = (text: string): void => {
    this.chunks.push(text, '\n');
    this.size += text.length + 1;
    if (this.size >= 1 << 16) this.flush();
  };

  /** A byte sink (binary encodings hand it chunks of about 256 KiB). */
  readonly bytes = (chunk: Uint8Array): void => {
    this.flush();
    for (let off = 0; off < chunk.length;) off += writeSync(this.fd, chunk, off);
  };

  /** What a TraceRecorder writes this file with: the encoding its name asks for (traceEncodingFor). */
  encoder(): TraceEncoder | ((text: string) => void) {
    return traceEncodingFor(this.path) === 'binary' ? new BinaryEncoder(this.bytes) : this.line;
  }

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
