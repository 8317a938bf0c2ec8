// The raw DMA-BUF uAPI shim of libheapwise.so (bindings/c/include/heapwise_kernel.h), loaded
// through Deno.dlopen. Every function returns >= 0 or -errno, exactly as the C side does: turning
// those into Errno values is the backend's job (kernel_backend.ts), so a fake shim can stand in.
import { join } from 'node:path';
import { HeapwiseError } from '../../host/errors.ts';
import { packageRoot } from '../../host/paths.ts';

/** Where `make -C bindings/c` puts the library, relative to the package root. */
export const LIBRARY_RELATIVE_PATH = 'bindings/c/build/libheapwise.so';
export const LIBRARY_BUILD_COMMAND = 'make -C bindings/c';

const EINVAL = 22;

/** The seven functions of heapwise_kernel.h, one to one. */
export interface KernelShim {
  /** fd of /dev/dma_heap/<name> or -errno. */
  openHeap(name: string): number;
  /** DMA_HEAP_IOCTL_ALLOC: a dma-buf fd or -errno. */
  heapAlloc(heapFd: number, len: bigint, fdFlags: number, heapFlags: bigint): number;
  /** DMA_BUF_IOCTL_SYNC: 0 or -errno. */
  sync(bufFd: number, flags: bigint): number;
  /** DMA_BUF_SET_NAME_B: 0 or -errno. */
  setName(bufFd: number, name: string): number;
  /** A dma-buf from a sealed memfd through /dev/udmabuf: fd or -errno. */
  udmabufAlloc(size: bigint): number;
  /** mmap, verify (access & 1) then write (access & 2) the pattern of `stamp`, munmap: 0 or -errno. */
  cpuAccess(bufFd: number, size: bigint, access: number, stamp: number): number;
  /** close(2): 0 or -errno. */
  close(fd: number): number;
  /** Unloads the library; the shim is unusable afterwards. */
  unload(): void;
}

// Synchronous calls: the Backend interface is synchronous, like the engine that drives it.
const SYMBOLS = {
  hw_kernel_open_heap: { parameters: ['buffer'], result: 'i32' },
  hw_kernel_heap_alloc: { parameters: ['i32', 'u64', 'u32', 'u64'], result: 'i32' },
  hw_kernel_sync: { parameters: ['i32', 'u64'], result: 'i32' },
  hw_kernel_set_name: { parameters: ['i32', 'buffer'], result: 'i32' },
  hw_kernel_udmabuf_alloc: { parameters: ['u64'], result: 'i32' },
  hw_kernel_cpu_access: { parameters: ['i32', 'u64', 'u32', 'u32'], result: 'i32' },
  hw_kernel_close: { parameters: ['i32'], result: 'i32' },
} as const satisfies Deno.ForeignLibraryInterface;

/** The library could not be loaded: the message names the path and how to build it. */
export class KernelLibraryError extends HeapwiseError {
  constructor(readonly path: string, detail: string) {
    super(detail);
    this.name = 'KernelLibraryError';
  }
}

/**
 * bindings/c/build/libheapwise.so of the heapwise package this module belongs to: the checkout
 * when run from its sources, node_modules/heapwise when bundled into the package's dist/deno.js
 * (found by walking up to the package.json named heapwise, so this needs --allow-read).
 */
export function defaultLibraryPath(): string {
  return join(packageRoot(), LIBRARY_RELATIVE_PATH);
}

/** A NUL-terminated copy of `s`, or null when `s` holds a NUL the C side would cut it at. */
function cString(s: string): Uint8Array<ArrayBuffer> | null {
  if (s.includes('\0')) return null;
  return new TextEncoder().encode(`${s}\0`);
}

function loadError(path: string, e: unknown): KernelLibraryError {
  const msg = e instanceof Error ? e.message : String(e);
  if (e instanceof Deno.errors.NotCapable) {
    return new KernelLibraryError(path, `the Deno kernel backend loads ${path} through FFI: run deno with --allow-ffi (${msg})`);
  }
  if (/no such file or directory/i.test(msg)) {
    return new KernelLibraryError(path, `heapwise kernel library not found at ${path}; build it with: ${LIBRARY_BUILD_COMMAND}`);
  }
  return new KernelLibraryError(path, `heapwise kernel library at ${path} failed to load (${msg}); rebuild it with: ${LIBRARY_BUILD_COMMAND}`);
}

/** Loads the shim from `path` (default: the package's bindings/c/build/libheapwise.so). */
export function openKernelShim(path: string = defaultLibraryPath()): KernelShim {
  let lib: Deno.DynamicLibrary<typeof SYMBOLS>;
  try {
    lib = Deno.dlopen(path, SYMBOLS);
  } catch (e) {
    throw loadError(path, e);
  }
  const s = lib.symbols;
  return {
    openHeap(name) {
      const c = cString(name);
      return c ? s.hw_kernel_open_heap(c) : -EINVAL;
    },
    heapAlloc: (heapFd, len, fdFlags, heapFlags) => s.hw_kernel_heap_alloc(heapFd, len, fdFlags, heapFlags),
    sync: (bufFd, flags) => s.hw_kernel_sync(bufFd, flags),
    setName(bufFd, name) {
      const c = cString(name);
      return c ? s.hw_kernel_set_name(bufFd, c) : -EINVAL;
    },
    udmabufAlloc: (size) => s.hw_kernel_udmabuf_alloc(size),
    cpuAccess: (bufFd, size, access, stamp) => s.hw_kernel_cpu_access(bufFd, size, access, stamp),
    close: (fd) => s.hw_kernel_close(fd),
    unload: () => lib.close(),
  };
}
