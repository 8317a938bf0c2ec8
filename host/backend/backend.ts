// The one interface the engine knows a backend by. The model (host/backend/model.ts) and the
// real kernel (host/backend/kernel.ts, through the node addon) both implement it; the engine
// never asks which one it has.

/** What a backend needs to know about a heap to allocate from it. */
export interface BackendHeap {
  /** The /dev/dma_heap node name, or "udmabuf" style names for udmabuf heaps. */
  name: string;
  /** HeapKind value (host/abi/generated.ts). */
  kind: number;
  /** Capacity in bytes; 0 = unbounded (the model's ENOMEM point for CMA / carveout heaps). */
  size: number;
  cpuAccess: boolean;
}

/** An errno from the uAPI, with its symbolic name ('EINVAL'). */
export interface Errno {
  errno: number;
  code: string;
}

export type AllocResult = { ok: true; fd: number } | ({ ok: false } & Errno);

/** 0 on success, else the errno the ioctl returned. */
export type IoctlResult = 0 | Errno;

export interface Backend {
  readonly kind: string;
  /** DMA_HEAP_IOCTL_ALLOC: len bytes (u64 semantics), fd_flags, heap_flags. */
  alloc(heap: BackendHeap, len: bigint | number, fdFlags: number, heapFlags?: bigint | number): AllocResult;
  /** DMA_BUF_IOCTL_SYNC with struct dma_buf_sync.flags. */
  sync(fd: number, flags: bigint | number): IoctlResult;
  /** DMA_BUF_SET_NAME (the _B variant). */
  setName(fd: number, name: string): IoctlResult;
  /**
   * One CPU access of the whole buffer between a START and an END the engine already issued:
   * the kernel backend mmaps it and writes (WRITE) or verifies (READ) a pattern derived from
   * `stamp`; the model checks the fd. Returns 0 or the errno (EIO-like failures as 'EBADMSG').
   */
  cpuAccess(fd: number, size: number, access: number, stamp: number): IoctlResult;
  /** close(2). Every fd is closed exactly once. */
  close(fd: number): IoctlResult;
  /** Bytes currently allocated per heap name, as the backend sees them. */
  usage(heap: BackendHeap): number;
  /** Releases every cached heap fd; the backend is unusable afterwards. */
  dispose(): void;
}

export const ERRNO: Record<string, number> = {
  ENOENT: 2, EINTR: 4, EBADF: 9, EAGAIN: 11, ENOMEM: 12, EACCES: 13, EFAULT: 14, ENODEV: 19,
  EINVAL: 22, ENOTTY: 25, ENOSPC: 28, EBADFD: 77, EBADMSG: 74, EOVERFLOW: 75,
};

export function errno(code: keyof typeof ERRNO | string): Errno {
  const n = ERRNO[code];
  if (n === undefined) throw new Error(`unknown errno name ${code}`);
  return { errno: n, code };
}
