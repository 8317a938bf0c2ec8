// A dma-buf fd (from a heap or from udmabuf) and what can be done to it: sync brackets,
// naming, fdinfo, CPU mappings. Closing it unmaps its live mappings first.
import type { HeapwiseAddon } from './addon.js';
import { parseFdinfo, type DmaBufFdinfo } from './fdinfo.js';
import { BufferMapping } from './mapping.js';
import { OwnedFd } from './owned-fd.js';

export class DmaBufFd extends OwnedFd {
  readonly #mappings = new Set<BufferMapping>();

  constructor(
    fd: number,
    /** Heap it came from ('system', 'udmabuf', ...). */
    readonly heap: string,
    /** Bytes as the kernel holds them (the request rounded up to a page). */
    readonly size: number,
    addon?: HeapwiseAddon,
  ) {
    super(fd, `dma-buf ${heap}#${fd}`, addon);
  }

  sync(flags: bigint | number): void {
    this.addon.sync(this.fd('sync'), flags, this.label);
  }

  setName(name: string): void {
    this.addon.setName(this.fd('setName'), name, this.label);
  }

  fdinfo(): DmaBufFdinfo {
    return parseFdinfo(this.addon.readFdinfo(this.fd('fdinfo'), this.label));
  }

  map(prot: number, flags: number, size: number = this.size): BufferMapping {
    const raw = this.addon.mmap(this.fd('mmap'), size, prot, flags, 0, this.label);
    const m = new BufferMapping(raw, `${this.label} mapping`, this.addon, (gone) => this.#mappings.delete(gone));
    this.#mappings.add(m);
    return m;
  }

  get liveMappings(): number {
    return this.#mappings.size;
  }

  protected override beforeClose(): void {
    for (const m of [...this.#mappings]) m.unmap();
  }
}
