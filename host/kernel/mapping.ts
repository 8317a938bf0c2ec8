// A CPU mapping of a dma-buf. Unmapping detaches its ArrayBuffer (in the addon), so views
// taken earlier read as empty, and `bytes` afterwards throws rather than pointing anywhere.
import type { AddonMapping, HeapwiseAddon } from './addon.js';

export class BufferMapping {
  #mapping: AddonMapping | null;
  readonly size: number;

  constructor(
    mapping: AddonMapping,
    readonly label: string,
    private readonly addon: HeapwiseAddon,
    private readonly onUnmap: (m: BufferMapping) => void,
  ) {
    this.#mapping = mapping;
    this.size = mapping.size;
  }

  get mapped(): boolean {
    return this.#mapping !== null;
  }

  /** The mapped bytes. Only valid until unmap(). */
  get bytes(): Uint8Array {
    if (!this.#mapping) throw new Error(`${this.label}: mapping used after unmap`);
    return new Uint8Array(this.#mapping.buffer);
  }

  get words(): Uint32Array {
    if (!this.#mapping) throw new Error(`${this.label}: mapping used after unmap`);
    return new Uint32Array(this.#mapping.buffer, 0, this.size >>> 2);
  }

  unmap(): void {
    const m = this.#mapping;
    if (!m) throw new Error(`${this.label}: unmap twice`);
    this.#mapping = null;
    this.onUnmap(this);
    this.addon.munmap(m, this.label);
  }
}
