// Writing a trace to a file: buffered, and atomic (a temporary file renamed at the end), so a
// failed run leaves no half-written trace behind. JSON Lines through `line`, binary through `bytes`.
// A device, FIFO or socket (/dev/stdout, /dev/null, a named pipe) is written directly, so
// `--record /dev/stdout` streams and the node is never replaced; a directory is refused at
// once (host/output-file.ts).
import { UsageError } from '../errors.js';
import { OutputFile } from '../output-file.js';
import { BinaryEncoder } from './binary-encoder.js';
import type { TraceEncoder } from './trace-encoder.js';

export type TraceEncoding = 'binary' | 'jsonl';

/** The encoding `simulate --record` picks from a file name: binary for .hwtrace, else JSON Lines. */
export function traceEncodingFor(path: string): TraceEncoding {
  return path.toLowerCase().endsWith('.hwtrace') ? 'binary' : 'jsonl';
}

export class TraceFile {
  private readonly out: OutputFile;
  private chunks: string[] = [];
  private size = 0;

  constructor(readonly path: string) {
    this.out = new OutputFile(path, 'trace');
  }

  /** Written in place (a device or FIFO), not through a temporary file. */
  get direct(): boolean {
    return this.out.direct;
  }

  /** The line sink to hand a TraceRecorder (JSON Lines). */
  readonly line = (text: string): void => {
    this.assertOpen();
    this.chunks.push(text, '\n');
    this.size += text.length + 1;
    if (this.size >= 1 << 16) this.flush();
  };

  /** A byte sink (binary encodings hand it chunks of about 256 KiB). */
  readonly bytes = (chunk: Uint8Array): void => {
    this.assertOpen();
    this.flush();
    this.out.write(chunk);
  };

  /** What a TraceRecorder writes this file with: the encoding its name asks for (traceEncodingFor). */
  encoder(): TraceEncoder | ((text: string) => void) {
    return traceEncodingFor(this.path) === 'binary' ? new BinaryEncoder(this.bytes) : this.line;
  }

  private assertOpen(): void {
    if (this.out.closed) throw new UsageError(`trace ${this.path} is already closed (committed or aborted)`);
  }

  private flush(): void {
    if (!this.chunks.length) return;
    const text = this.chunks.join('');
    this.chunks = [];
    this.size = 0;
    this.out.write(text);
  }

  /** Flushes and moves the finished trace into place. Again (or after abort): nothing. */
  commit(): void {
    if (this.out.closed) return;
    try {
      this.flush();
    } catch (e) {
      this.out.abort();
      throw e;
    }
    this.out.commit();
  }

  /** Drops the partial trace. Again (or after commit): nothing; a committed trace stays. */
  abort(): void {
    this.chunks = [];
    this.size = 0;
    this.out.abort();
  }
}
