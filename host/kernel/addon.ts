// Loads the native addon (bindings/node) and types it. The .node file is found by walking up
// from this module, so the same code works from host/kernel/ (sources), from dist/ (the rollup
// bundle) and from the VM's copy of the tree; HEAPWISE_ADDON overrides the search.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ADDON_RELATIVE_PATH = join('bindings', 'node', 'build', 'Release', 'heapwise.node');
export const ADDON_BUILD_COMMAND = 'npm exec -- node-gyp rebuild --directory bindings/node --nodedir=/usr';

/** What every addon failure carries (the C++ side sets all four). */
export interface KernelError extends Error {
  /** errno name, e.g. 'EINVAL'. */
  code: string;
  errno: number;
  /** The operation, e.g. 'DMA_HEAP_IOCTL_ALLOC', 'mmap'. */
  op: string;
  /** Heap or buffer the operation concerned. */
  target: string;
}

export interface AddonMapping {
  /** The mapped pages; detached (byteLength 0) once munmap ran. */
  readonly buffer: ArrayBuffer;
  readonly size: number;
}

export interface AddonConstants {
  O_RDONLY: number; O_WRONLY: number; O_RDWR: number; O_CLOEXEC: number; O_NONBLOCK: number;
  PROT_READ: number; PROT_WRITE: number; MAP_SHARED: number; MAP_PRIVATE: number;
  DMA_BUF_SYNC_READ: number; DMA_BUF_SYNC_WRITE: number; DMA_BUF_SYNC_RW: number;
  DMA_BUF_SYNC_START: number; DMA_BUF_SYNC_END: number;
  DMA_HEAP_IOCTL_ALLOC: number; DMA_BUF_IOCTL_SYNC: number; DMA_BUF_SET_NAME_B: number;
  DMA_BUF_NAME_LEN: number; UDMABUF_CREATE: number; UDMABUF_FLAGS_CLOEXEC: number;
  MFD_CLOEXEC: number; MFD_ALLOW_SEALING: number;
  F_SEAL_SEAL: number; F_SEAL_SHRINK: number; F_SEAL_GROW: number; F_SEAL_WRITE: number;
  PAGE_SIZE: number;
}

type U64 = bigint | number;

/** The addon's functions. Every one throws a KernelError on a kernel failure. */
export interface HeapwiseAddon {
  openHeap(name: string): number;
  openUdmabuf(): number;
  heapAlloc(heapFd: number, len: U64, fdFlags: number, heapFlags?: U64, target?: string): number;
  sync(fd: number, flags: U64, target?: string): void;
  setName(fd: number, name: string, target?: string): void;
  mmap(fd: number, size: U64, prot: number, flags: number, offset?: U64, target?: string): AddonMapping;
  munmap(mapping: AddonMapping, target?: string): void;
  udmabufCreate(devFd: number, size: U64, target?: string): number;
  udmabufCreateFrom(devFd: number, memfd: number, offset: U64, size: U64, flags: number, target?: string): number;
  memfdCreate(name: string, flags: number): number;
  ftruncate(fd: number, size: U64, target?: string): void;
  addSeals(fd: number, seals: number, target?: string): void;
  close(fd: number, target?: string): void;
  readFdinfo(fd: number, target?: string): string;
  ioctl(fd: number, request: number, data?: Uint8Array, target?: string): number;
  readonly constants: AddonConstants;
}

export function isKernelError(e: unknown): e is KernelError {
  return e instanceof Error && typeof (e as Partial<KernelError>).errno === 'number' &&
    typeof (e as Partial<KernelError>).code === 'string';
}

/** Where the addon would be loaded from, or null with the places searched. */
export function findAddon(from: string = dirname(fileURLToPath(import.meta.url))): { path: string | null; searched: string[] } {
  const override = process.env.HEAPWISE_ADDON;
  if (override) return { path: existsSync(override) ? resolve(override) : null, searched: [resolve(override)] };
  const searched: string[] = [];
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, ADDON_RELATIVE_PATH);
    searched.push(candidate);
    if (existsSync(candidate)) return { path: candidate, searched };
    if (dirname(dir) === dir) return { path: null, searched };
  }
}

let cached: HeapwiseAddon | undefined;

/** Loads the addon once; throws an Error naming where it looked and how to build it. */
export function loadAddon(): HeapwiseAddon {
  if (cached) return cached;
  const { path, searched } = findAddon();
  if (!path) {
    throw new Error(
      `heapwise native addon not found (looked for ${ADDON_RELATIVE_PATH} in ${searched.length} places, ` +
        `nearest ${searched[0]}); build it with: ${ADDON_BUILD_COMMAND}`,
    );
  }
  const require = createRequire(import.meta.url);
  try {
    cached = require(path) as HeapwiseAddon;
  } catch (e) {
    throw new Error(`heapwise native addon at ${path} failed to load (${(e as Error).message}); rebuild it with: ${ADDON_BUILD_COMMAND}`);
  }
  return cached;
}
