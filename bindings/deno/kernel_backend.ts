// The Backend that executes on the real kernel from Deno: the same contract as the Node host's
// KernelBackend (host/backend/kernel.ts), with libheapwise.so's kernel shim (through FFI) in
// place of the native addon. Kernel errnos come back as Errno values; only programming errors
// (use after dispose, non-integer arguments) throw.
import { HeapKind } from '../../host/abi/generated.ts';
import { errno, type AllocResult, type Backend, type BackendHeap, type Errno, type IoctlResult } from '../../host/backend/backend.ts';
import { errnoName } from '../../host/backend/errno-name.ts';
import { openKernelShim, type KernelShim } from './kernel_shim.ts';

/** cpuAccess access bits (same values as DMA_BUF_SYNC_READ / _WRITE). */
export const CPU_READ = 1;
export const CPU_WRITE = 2;

const U64_MAX = (1n << 64n) - 1n;
const O_CLOEXEC = 0o2000000;
/** What udmabuf accepts as fd flags: it has none, so only the ones a heap would ignore anyway. */
const UDMABUF_FD_FLAGS = O_CLOEXEC | 3;

export interface KernelBackendOptions {
  /** The shim to call (default: libheapwise.so loaded from `library`, unloaded by dispose). */
  shim?: KernelShim;
  /** Path of libheapwise.so when no shim is given (default bindings/c/build/libheapwise.so). */
  library?: string;
  /** Page the kernel rounds heap allocations up to, for usage(); the shim does not report it. */
  pageSize?: number;
}

/** One buffer the backend handed out and alone owns. */
interface OwnedBuffer {
  heap: string;
  /** Bytes as the kernel holds them. */
  size: number;
  /** Stamp of the last CPU write; 0 = never written (the kernel's zero fill), as the shim reads it. */
  stamp: number;
}

function failure(ret: number): Errno {
  return { errno: -ret, code: errnoName(-ret) };
}

export class KernelBackend implements Backend {
  readonly kind = 'kernel';
  readonly #shim: KernelShim;
  readonly #ownsShim: boolean;
  readonly #page: bigint;
  /** fds of /dev/dma_heap/<name>, opened at the first allocation from each heap and kept. */
  readonly #heaps = new Map<string, number>();
  readonly #buffers = new Map<number, OwnedBuffer>();
  readonly #usage = new Map<string, number>();
  #disposed = false;

  constructor(opts: KernelBackendOptions = {}) {
    this.#shim = opts.shim ?? openKernelShim(opts.library);
    this.#ownsShim = opts.shim === undefined;
    this.#page = BigInt(opts.pageSize ?? 4096);
  }

  alloc(heap: BackendHeap, len: bigint | number, fdFlags: number, heapFlags: bigint | number = 0n): AllocResult {
    this.#live('alloc');
    const n = BigInt(len);
    const hf = BigInt(heapFlags);
    if (!Number.isInteger(fdFlags)) throw new TypeError(`KernelBackend.alloc: fd flags must be an integer, got ${fdFlags}`);
    // Values the u64 / u32 parameters cannot carry are what the kernel would refuse anyway.
    if (n < 0n || n > U64_MAX || hf < 0n || hf > U64_MAX || fdFlags < 0 || fdFlags > 0xffffffff) return { ok: false, ...errno('EINVAL') };
    let fd: number;
    let size: number;
    if (heap.kind === HeapKind.UDMABUF) {
      // udmabuf has no fd or heap flags: apply the heap ioctl's rules, one contract for every heap.
      if (hf !== 0n || (fdFlags & ~UDMABUF_FD_FLAGS) !== 0) return { ok: false, ...errno('EINVAL') };
      fd = this.#shim.udmabufAlloc(n);
      size = Number(n);
    } else {
      const dev = this.#device(heap.name);
      if (dev < 0) return { ok: false, ...failure(dev) };
      fd = this.#shim.heapAlloc(dev, n, fdFlags, hf);
      size = Number(((n + this.#page - 1n) / this.#page) * this.#page);
    }
    if (fd < 0) return { ok: false, ...failure(fd) };
    this.#buffers.set(fd, { heap: heap.name, size, stamp: 0 });
    this.#usage.set(heap.name, (this.#usage.get(heap.name) ?? 0) + size);
    return { ok: true, fd };
  }

  sync(fd: number, flags: bigint | number): IoctlResult {
    return this.#on(fd, 'sync', () => this.#shim.sync(fd, BigInt(flags)));
  }

  setName(fd: number, name: string): IoctlResult {
    return this.#on(fd, 'setName', () => this.#shim.setName(fd, name));
  }

  cpuAccess(fd: number, size: number, access: number, stamp: number): IoctlResult {
    return this.#on(fd, 'cpuAccess', (buf) => {
      // The shim verifies and writes one stamp; the contract verifies the last write and then
      // writes a new one, so a read-write access is two calls.
      if (access & CPU_READ) {
        const r = this.#shim.cpuAccess(fd, BigInt(size), CPU_READ, buf.stamp);
        if (r < 0) return r;
      }
      if (access & CPU_WRITE) {
        const r = this.#shim.cpuAccess(fd, BigInt(size), CPU_WRITE, stamp >>> 0);
        if (r < 0) return r;
        buf.stamp = stamp >>> 0;
      }
      return 0;
    });
  }

  close(fd: number): IoctlResult {
    return this.#on(fd, 'close', (buf) => {
      // Forgotten before the call: whatever close(2) says, the number is no longer ours.
      this.#buffers.delete(fd);
      this.#usage.set(buf.heap, (this.#usage.get(buf.heap) ?? 0) - buf.size);
      return this.#shim.close(fd);
    });
  }

  usage(heap: BackendHeap): number {
    return this.#usage.get(heap.name) ?? 0;
  }

  /** Number of buffers still open (for leak checks). */
  get openBuffers(): number {
    return this.#buffers.size;
  }

  /** Closes every buffer still owned and every cached heap fd, then unloads a library it loaded. */
  dispose(): void {
    if (this.#disposed) return;
    for (const fd of [...this.#buffers.keys()]) this.close(fd);
    for (const fd of this.#heaps.values()) this.#shim.close(fd);
    this.#heaps.clear();
    this.#disposed = true;
    if (this.#ownsShim) this.#shim.unload();
  }

  /** The cached heap fd, opened on first use; a failed open is not cached, so it is retried. */
  #device(name: string): number {
    const cached = this.#heaps.get(name);
    if (cached !== undefined) return cached;
    const fd = this.#shim.openHeap(name);
    if (fd >= 0) this.#heaps.set(name, fd);
    return fd;
  }

  /** Runs op on a buffer this backend owns; an fd it does not own is EBADF, never touched. */
  #on(fd: number, op: string, run: (buf: OwnedBuffer) => number): IoctlResult {
    this.#live(op);
    const buf = this.#buffers.get(fd);
    if (!buf) return errno('EBADF');
    const r = run(buf);
    return r < 0 ? failure(r) : 0;
  }

  #live(op: string): void {
    if (this.#disposed) throw new Error(`KernelBackend.${op}: backend already disposed`);
  }
}
