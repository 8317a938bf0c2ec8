// An open allocator device: a /dev/dma_heap/<name> node, or /dev/udmabuf (which creates
// dma-bufs from sealed memfds). Opened once and kept, as every allocator library does.
import { loadAddon, type HeapwiseAddon, type KernelError } from './addon.js';
import { DmaBufFd } from './buffer-fd.js';
import { OwnedFd } from './owned-fd.js';

export class HeapFd extends OwnedFd {
  private constructor(
    fd: number,
    readonly name: string,
    readonly udmabuf: boolean,
    addon: HeapwiseAddon,
  ) {
    super(fd, udmabuf ? 'udmabuf device' : `heap ${name}`, addon);
  }

  static openHeap(name: string, addon: HeapwiseAddon = loadAddon()): HeapFd {
    return new HeapFd(addon.openHeap(name), name, false, addon);
  }

  static openUdmabuf(addon: HeapwiseAddon = loadAddon()): HeapFd {
    return new HeapFd(addon.openUdmabuf(), 'udmabuf', true, addon);
  }

  /**
   * One allocation. For a heap: DMA_HEAP_IOCTL_ALLOC with the caller's arguments, unchanged.
   * For udmabuf: a sealed memfd of exactly len bytes (udmabuf itself insists on a non-empty
   * page multiple). udmabuf has no fd or heap flags, so the heap ioctl's rules for them are
   * applied here, keeping one contract for every kind of heap.
   */
  allocate(len: bigint | number, fdFlags: number, heapFlags: bigint | number = 0n): DmaBufFd {
    const { PAGE_SIZE, O_CLOEXEC } = this.addon.constants;
    if (this.udmabuf) {
      if (BigInt(heapFlags) !== 0n) throw invalid('udmabufCreate', this.name, `heap flags ${heapFlags}`);
      if ((fdFlags & ~(O_CLOEXEC | 3)) !== 0) throw invalid('udmabufCreate', this.name, `fd flags 0x${fdFlags.toString(16)}`);
      const fd = this.addon.udmabufCreate(this.fd('allocate'), len, this.name);
      return new DmaBufFd(fd, this.name, Number(len), this.addon);
    }
    const fd = this.addon.heapAlloc(this.fd('allocate'), len, fdFlags, heapFlags, this.name);
    const page = BigInt(PAGE_SIZE);
    return new DmaBufFd(fd, this.name, Number(((BigInt(len) + page - 1n) / page) * page), this.addon);
  }
}

/** The same shape of error the addon throws, for argument rules enforced on the JS side. */
function invalid(op: string, target: string, what: string): KernelError {
  return Object.assign(new Error(`${op} ${target}: EINVAL (${what} not accepted)`), {
    code: 'EINVAL', errno: 22, op, target,
  });
}
