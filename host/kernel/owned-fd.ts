// One kernel fd owned by exactly one JS object, closed exactly once by an explicit close().
// After close every use throws, because the number may already belong to someone else.
import { loadAddon, type HeapwiseAddon } from './addon.js';
import { unwatchFd, watchFd } from './fd-leaks.js';

export class OwnedFd {
  #fd: number;
  readonly label: string;
  protected readonly addon: HeapwiseAddon;

  constructor(fd: number, label: string, addon: HeapwiseAddon = loadAddon()) {
    if (!Number.isInteger(fd) || fd < 0) throw new TypeError(`${label}: not an fd: ${fd}`);
    this.#fd = fd;
    this.label = label;
    this.addon = addon;
    watchFd(this, { fd, label });
  }

  get closed(): boolean {
    return this.#fd < 0;
  }

  /** The fd number, for passing to the kernel; throws once closed. */
  fd(op = 'use'): number {
    if (this.#fd < 0) throw new Error(`${this.label}: ${op} after close`);
    return this.#fd;
  }

  /** Closes the fd. A second close throws instead of closing a reused number. */
  close(): void {
    const fd = this.fd('close');
    this.beforeClose();
    this.#fd = -1;
    unwatchFd(this);
    this.addon.close(fd, this.label);
  }

  /** Subclasses release what depends on the fd (mappings) before it goes. */
  protected beforeClose(): void {}
}
