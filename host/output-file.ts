// Writing an output file (a trace, a report, a platform skeleton) without ever replacing what
// is not a regular file. A regular file, or none yet, is written to a temporary beside it and
// renamed into place: a reader never sees half a file, and a failed run leaves the old one. A
// character device, FIFO or socket (/dev/stdout, /dev/null, a named pipe) is written directly,
// no temporary and no rename: renaming over it would replace the node itself with a regular
// file (as root, `--record /dev/full` made /dev/full one). A directory is refused before any
// work. A symbolic link to a regular file keeps the link: the file it names is replaced.
// /dev/stdout, /dev/stderr, /dev/fd/N and /proc/self/fd/N name the process's own descriptor,
// which is written as it is (never reopened, never closed): a socket cannot be reopened
// through /proc (ENXIO), and a shell redirection (`--record /dev/stdout > out`) keeps its
// meaning.
import { closeSync, constants, fstatSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { InputError, UsageError } from './errors.js';

const UTF8 = new TextEncoder();
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

export interface OutputTarget {
  /** The file a temporary is renamed over (a link resolved), or the node written directly. */
  path: string;
  /** Not a regular file: written in place, no temporary, no rename. */
  direct: boolean;
  /** The process's own descriptor the path names (/dev/stdout...): written, never closed. */
  fd?: number;
}

/** The descriptor /dev/stdout, /dev/stderr, /dev/fd/N or /proc/self/fd/N names, else null. */
function ownDescriptor(path: string): number | null {
  if (path === '/dev/stdout') return 1;
  if (path === '/dev/stderr') return 2;
  const m = /^\/(?:dev\/fd|proc\/self\/fd|proc\/thread-self\/fd)\/(\d+)$/.exec(path) ?? new RegExp(`^/proc/${process.pid}/fd/(\\d+)$`).exec(path);
  return m ? Number(m[1]) : null;
}

/** How `path` is written; throws InputError ("is a directory") for a directory. */
export function outputTarget(path: string): OutputTarget {
  const fd = ownDescriptor(path);
  if (fd !== null) {
    try {
      if (fstatSync(fd).isDirectory()) throw new InputError(path, '', 'is a directory');
      return { path, direct: true, fd };
    } catch (e) {
      if (e instanceof InputError) throw e;
      // Not open in this process: opening the path reports it.
    }
  }
  let st;
  try {
    st = statSync(path);
  } catch {
    // Missing (or a dangling link, or an unreadable parent): a temporary is created beside it
    // and opening it reports what is wrong.
    return { path, direct: false };
  }
  if (st.isDirectory()) throw new InputError(path, '', 'is a directory');
  if (!st.isFile()) return { path, direct: true };
  let real = path;
  try { real = realpathSync.native(path); } catch { /* write beside the name given */ }
  return { path: real, direct: false };
}

function errorCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

/**
 * One output file being written: `write` as often as needed, then `commit` (or `abort`).
 * Both are safe to call again, and after each other: the first one decides. Opening a FIFO
 * waits for its reader, as a shell redirection does.
 */
export class OutputFile {
  readonly direct: boolean;
  private readonly target: string;
  private readonly tmp: string | null;
  private fd: number | null;
  /** The process's own descriptor (/dev/stdout...): left open. */
  private readonly borrowed: boolean;

  /** `what` names the content in error messages ("trace", "report", "platform file"). */
  constructor(readonly path: string, private readonly what: string) {
    const t = outputTarget(path);
    this.direct = t.direct;
    this.target = t.path;
    this.tmp = t.direct ? null : `${t.path}.tmp-${process.pid}`;
    this.borrowed = t.fd !== undefined;
    try {
      this.fd = t.fd ?? (this.tmp === null ? openSync(t.path, constants.O_WRONLY) : openSync(this.tmp, 'w'));
    } catch (e) {
      throw this.failure(e);
    }
  }

  /** Whether commit or abort has run. */
  get closed(): boolean {
    return this.fd === null;
  }

  write(data: string | Uint8Array): void {
    if (this.fd === null) throw new UsageError(`${this.path}: ${this.what} already closed`);
    const bytes = typeof data === 'string' ? UTF8.encode(data) : data;
    try {
      for (let off = 0; off < bytes.length;) {
        try {
          off += writeSync(this.fd, bytes, off);
        } catch (e) {
          // A non-blocking descriptor (a borrowed stdout pipe) that is full: wait for the reader.
          if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
          Atomics.wait(PAUSE, 0, 0, 1);
        }
      }
    } catch (e) {
      throw this.failure(e);
    }
  }

  /** Closes and, for a regular file, moves the finished content into place. */
  commit(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    try {
      if (!this.borrowed) closeSync(fd);
      if (this.tmp !== null) renameSync(this.tmp, this.target);
    } catch (e) {
      if (this.tmp !== null) try { unlinkSync(this.tmp); } catch { /* never created or already gone */ }
      throw this.failure(e);
    }
  }

  /** Drops a partial file (a device or FIFO keeps what it was sent). */
  abort(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    if (!this.borrowed) try { closeSync(fd); } catch { /* nothing left to release */ }
    if (this.tmp !== null) try { unlinkSync(this.tmp); } catch { /* already gone */ }
  }

  private failure(e: unknown): Error {
    if (e instanceof InputError) return e;
    return new InputError(this.path, '', `cannot write ${this.what}: ${errorCode(e)}`);
  }
}

/** Writes `data` to `path` whole (see OutputFile); errors are InputErrors naming the path. */
export function writeOutputFile(path: string, data: string | Uint8Array, what: string): void {
  const f = new OutputFile(path, what);
  try {
    f.write(data);
    f.commit();
  } finally {
    f.abort();
  }
}
