// Which allocators this machine's kernel offers, asked through libheapwise.so itself: Deno will
// not even stat a /dev path without --allow-all. null while the library is not built.
import { existsSync } from 'node:fs';
import { defaultLibraryPath, openKernelShim } from '../../bindings/deno/mod.ts';

export const LIBRARY = defaultLibraryPath();

/** The subset of `heaps` (plus "udmabuf") that can be opened here, or null without the library. */
export function kernelHeaps(heaps: string[]): Set<string> | null {
  if (!existsSync(LIBRARY)) return null;
  const shim = openKernelShim(LIBRARY);
  try {
    const found = new Set<string>();
    for (const name of heaps) {
      const fd = shim.openHeap(name);
      if (fd >= 0) {
        shim.close(fd);
        found.add(name);
      }
    }
    const buf = shim.udmabufAlloc(4096n);
    if (buf >= 0) {
      shim.close(buf);
      found.add('udmabuf');
    }
    return found;
  } finally {
    shim.unload();
  }
}
