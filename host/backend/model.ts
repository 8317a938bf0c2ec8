// A deterministic, in-process model of the DMA-BUF heap uAPI, with the semantics and errnos
// measured on Linux 6.12 (../shared/notes/kernel-vm.md): what the engine runs on by default,
// and what the differential test holds against the real kernel.
import { HeapKind } from '../abi/generated.js';
import { errno, type AllocResult, type Backend, type BackendHeap, type IoctlResult } from './backend.js';

const PAGE = 4096n;
const utf8 = new TextEncoder();

/** UTF-8 bytes of `s`, counted without encoding it (TextEncoder was a tenth of an allocation's time). */
function utf8Length(s: string): number {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) return utf8.encode(s).length;
  }
  return s.length;
}
const U64_MAX = (1n << 64n) - 1n;
const FD_FLAGS_VALID = 0o2000000 | 3; // O_CLOEXEC | O_ACCMODE
const SYNC_VALID = 7; // READ | WRITE | END
const NAME_MAX = 32; // DMA_BUF_NAME_LEN, NUL included

interface ModelBuffer {
  heap: string;
  /** udmabuf builds its sg table at the first begin_cpu_access; an END before that is EINVAL. */
  udmabuf: boolean;
  sgTable: boolean;
  size: bigint;
  name: string | null;
  /** O_ACCMODE of the fd: mmap needs read access (O_WRONLY maps nothing), PROT_WRITE needs O_RDWR; UDMABUF_CREATE always gives O_RDWR. */
  mode: number;
  stamp: number | null;
}

export interface ModelOptions {
  /** Lowest fd number handed out (the kernel gives the lowest free one). */
  firstFd?: number;
}

export class ModelBackend implements Backend {
  readonly kind = 'model';
  private fds = new Map<number, ModelBuffer>();
  private used = new Map<string, bigint>();
  private readonly firstFd: number;

  constructor(opts: ModelOptions = {}) {
    this.firstFd = opts.firstFd ?? 3;
  }

  private nextFd(): number {
    let fd = this.firstFd;
    while (this.fds.has(fd)) fd++;
    return fd;
  }

  alloc(heap: BackendHeap, len: bigint | number, fdFlags: number, heapFlags: bigint | number = 0n): AllocResult {
    const n = BigInt(len);
    if (n < 0n || n > U64_MAX) return { ok: false, ...errno('EINVAL') };
    if ((fdFlags & ~FD_FLAGS_VALID) !== 0) return { ok: false, ...errno('EINVAL') };
    if (BigInt(heapFlags) !== 0n) return { ok: false, ...errno('EINVAL') };
    let size: bigint;
    if (heap.kind === HeapKind.UDMABUF) {
      // udmabuf wants a page-aligned, non-empty size of a sealed memfd.
      if (n === 0n || n % PAGE !== 0n) return { ok: false, ...errno('EINVAL') };
      size = n;
    } else {
      size = ((n + PAGE - 1n) / PAGE) * PAGE;
      if (size === 0n || size > U64_MAX) return { ok: false, ...errno('EINVAL') };
    }
    const used = this.used.get(heap.name) ?? 0n;
    if (heap.size > 0 && used + size > BigInt(heap.size)) return { ok: false, ...errno('ENOMEM') };
    this.used.set(heap.name, used + size);
    const fd = this.nextFd();
    this.fds.set(fd, { heap: heap.name, udmabuf: heap.kind === HeapKind.UDMABUF, sgTable: false, size, name: null, mode: heap.kind === HeapKind.UDMABUF ? 2 : fdFlags & 3, stamp: null });
    return { ok: true, fd };
  }

  sync(fd: number, flags: bigint | number): IoctlResult {
    const b = this.fds.get(fd);
    if (!b) return errno('EBADF');
    // The u64 flags as a small number: the engine passes a u32, and every valid value is below 8
    // (a number path: each BigInt operation allocates, and this runs on every sync).
    let f: number;
    if (typeof flags === 'number') {
      if (!Number.isInteger(flags) || flags < 0 || flags > SYNC_VALID) return errno('EINVAL');
      f = flags;
    } else {
      if ((flags & ~BigInt(SYNC_VALID)) !== 0n) return errno('EINVAL');
      f = Number(flags);
    }
    if ((f & 3) === 0) return errno('EINVAL');
    // Measured on 6.12 (the differential test): udmabuf's end_cpu_access fails until a
    // begin_cpu_access has built the buffer's sg table; the heaps accept END without START.
    if (b.udmabuf) {
      if ((f & 4) === 0) b.sgTable = true;
      else if (!b.sgTable) return errno('EINVAL');
    }
    return 0;
  }

  setName(fd: number, name: string): IoctlResult {
    const b = this.fds.get(fd);
    if (!b) return errno('EBADF');
    if (utf8Length(name) + 1 > NAME_MAX) return errno('EINVAL');
    b.name = name;
    return 0;
  }

  cpuAccess(fd: number, _size: number, access: number, stamp: number): IoctlResult {
    const b = this.fds.get(fd);
    if (!b) return errno('EBADF');
    if (b.mode === 1) return errno('EACCES');
    if ((access & 2) !== 0) {
      if (b.mode !== 2) return errno('EACCES');
      b.stamp = stamp;
    }
    return 0;
  }

  close(fd: number): IoctlResult {
    const b = this.fds.get(fd);
    if (!b) return errno('EBADF');
    this.fds.delete(fd);
    this.used.set(b.heap, (this.used.get(b.heap) ?? 0n) - b.size);
    return 0;
  }

  usage(heap: BackendHeap): number {
    return Number(this.used.get(heap.name) ?? 0n);
  }

  /** What /proc/<pid>/fdinfo/<fd> would say of a buffer (size, exp_name, name). */
  fdinfo(fd: number): { size: bigint; expName: string; name: string | null } | null {
    const b = this.fds.get(fd);
    return b ? { size: b.size, expName: b.heap, name: b.name } : null;
  }

  openFds(): number {
    return this.fds.size;
  }

  dispose(): void {
    this.fds.clear();
    this.used.clear();
  }
}
