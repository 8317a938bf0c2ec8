// The Backend that executes on the real kernel through the native addon: DMA_HEAP_IOCTL_ALLOC
// on /dev/dma_heap/<name> (or UDMABUF_CREATE for udmabuf heaps), DMA_BUF_IOCTL_SYNC,
// DMA_BUF_SET_NAME, mmap for CPU access. Kernel errnos come back as Errno values; only
// programming errors (bad argument types, use after dispose) throw.
import { HeapKind } from '../abi/generated.js';
import { isKernelError, loadAddon, type HeapwiseAddon } from '../kernel/addon.js';
import type { DmaBufFd } from '../kernel/buffer-fd.js';
import { HeapFd } from '../kernel/heap-fd.js';
import { findMismatch, writePattern } from '../kernel/pattern.js';
import { errno, type AllocResult, type Backend, type BackendHeap, type Errno, type IoctlResult } from './backend.js';

/** cpuAccess access bits (same values as DMA_BUF_SYNC_READ / _WRITE). */
export const CPU_READ = 1;
export const CPU_WRITE = 2;

const UDMABUF_DEVICE = '/dev/udmabuf';

function asErrno(e: unknown): Errno {
  if (isKernelError(e)) return { errno: e.errno, code: e.code };
  throw e;
}

export class KernelBackend implements Backend {
  readonly kind = 'kernel';
  readonly #addon: HeapwiseAddon;
  /** Open allocator devices by heap name (udmabuf heaps share /dev/udmabuf). */
  readonly #heaps = new Map<string, HeapFd>();
  /** Every buffer this backend handed out, by fd: the backend is their single owner. */
  readonly #buffers = new Map<number, DmaBufFd>();
  /** Stamp of the last CPU write per fd (null: never written, the kernel's zero fill). */
  readonly #lastStamp = new Map<number, number | null>();
  readonly #usage = new Map<string, number>();
  #disposed = false;

  constructor(addon: HeapwiseAddon = loadAddon()) {
    this.#addon = addon;
  }

  alloc(heap: BackendHeap, len: bigint | number, fdFlags: number, heapFlags: bigint | number = 0n): AllocResult {
    this.#live('alloc');
    try {
      const buf = this.#device(heap).allocate(len, fdFlags, heapFlags);
      const fd = buf.fd();
      this.#buffers.set(fd, buf);
      this.#lastStamp.set(fd, null);
      this.#usage.set(heap.name, (this.#usage.get(heap.name) ?? 0) + buf.size);
      return { ok: true, fd };
    } catch (e) {
      return { ok: false, ...asErrno(e) };
    }
  }

  sync(fd: number, flags: bigint | number): IoctlResult {
    return this.#on(fd, 'sync', (buf) => buf.sync(flags));
  }

  setName(fd: number, name: string): IoctlResult {
    return this.#on(fd, 'setName', (buf) => buf.setName(name));
  }

  cpuAccess(fd: number, size: number, access: number, stamp: number): IoctlResult {
    return this.#on(fd, 'cpuAccess', (buf) => {
      const { PROT_READ, PROT_WRITE, MAP_SHARED } = this.#addon.constants;
      // PROT_WRITE only when writing, so reading an O_RDONLY buffer works and writing it is EACCES.
      const mapping = buf.map(access & CPU_WRITE ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED, size);
      try {
        const bytes = mapping.bytes;
        if (access & CPU_READ && findMismatch(bytes, this.#lastStamp.get(fd) ?? null) >= 0) return errno('EBADMSG');
        if (access & CPU_WRITE) {
          writePattern(bytes, stamp);
          this.#lastStamp.set(fd, stamp);
        }
        return 0;
      } finally {
        mapping.unmap();
      }
    });
  }

  close(fd: number): IoctlResult {
    return this.#on(fd, 'close', (buf) => {
      this.#buffers.delete(fd);
      this.#lastStamp.delete(fd);
      this.#usage.set(buf.heap, (this.#usage.get(buf.heap) ?? 0) - buf.size);
      buf.close();
    });
  }

  usage(heap: BackendHeap): number {
    return this.#usage.get(heap.name) ?? 0;
  }

  /** Number of buffers still open (for leak checks). */
  get openBuffers(): number {
    return this.#buffers.size;
  }

  /** Closes every buffer still owned and every cached heap fd. */
  dispose(): void {
    if (this.#disposed) return;
    for (const fd of [...this.#buffers.keys()]) this.close(fd);
    for (const heap of this.#heaps.values()) heap.close();
    this.#heaps.clear();
    this.#disposed = true;
  }

  #device(heap: BackendHeap): HeapFd {
    const key = heap.kind === HeapKind.UDMABUF ? UDMABUF_DEVICE : heap.name;
    let dev = this.#heaps.get(key);
    if (!dev) {
      dev = heap.kind === HeapKind.UDMABUF ? HeapFd.openUdmabuf(this.#addon) : HeapFd.openHeap(heap.name, this.#addon);
      this.#heaps.set(key, dev);
    }
    return dev;
  }

  /** Runs op on a buffer this backend owns; an fd it does not own is EBADF, never touched. */
  #on(fd: number, op: string, run: (buf: DmaBufFd) => IoctlResult | void): IoctlResult {
    this.#live(op);
    const buf = this.#buffers.get(fd);
    if (!buf) return errno('EBADF');
    try {
      return run(buf) ?? 0;
    } catch (e) {
      return asErrno(e);
    }
  }

  #live(op: string): void {
    if (this.#disposed) throw new Error(`KernelBackend.${op}: backend already disposed`);
  }
}
