// Whether this machine can run a platform on the kernel backend. Checked before a session
// starts: without the nodes every allocation fails with ENOENT (or EACCES), and a session of
// nothing but failures would pass for a run of the policy.
import { EXIT, HeapwiseError } from '../errors.js';
import type { ProbeResult } from '../probe/probe.js';
import type { Platform } from '../platform/types.js';

/** Exit code of a backend the machine cannot provide (README "Exit codes"). */
export const EXIT_UNAVAILABLE = EXIT.UNAVAILABLE;

/** The kernel (or the system under it) cannot provide what the session needs. */
export class KernelUnavailableError extends HeapwiseError {
  override readonly exitCode: number = EXIT_UNAVAILABLE;
  constructor(detail: string) {
    super(`kernel backend: ${detail}; use --backend model`);
    this.name = 'KernelUnavailableError';
  }
}

/**
 * Why `platform` cannot run on the kernel backend of the probed machine, or null when every
 * heap it names has a node this user may open (/dev/dma_heap/<name>, /dev/udmabuf for udmabuf heaps).
 */
export function kernelRefusal(platform: Platform, found: ProbeResult): string | null {
  const dir = `${found.devDir}/dma_heap`;
  const needsHeapDir = platform.heaps.some((h) => h.kind !== 'udmabuf');
  if (needsHeapDir && !found.heapDirPresent) {
    return `no ${dir} on this machine (a kernel without CONFIG_DMABUF_HEAPS, or not Linux)`;
  }
  const present = [...found.heaps.map((n) => n.name), ...(found.udmabuf ? ['udmabuf'] : [])];
  for (const h of platform.heaps) {
    const udmabuf = h.kind === 'udmabuf';
    const node = udmabuf ? found.udmabuf : found.heaps.find((n) => n.name === h.name) ?? null;
    const path = udmabuf ? `${found.devDir}/udmabuf` : `${dir}/${h.name}`;
    if (!node) {
      return `platform ${platform.name} heap ${h.name} has no ${path} on this machine (present: ${present.join(', ') || 'none'}); every allocation from it would fail with ENOENT`;
    }
    if (node.access !== 'ok') {
      return `platform ${platform.name} heap ${h.name}: ${path} cannot be opened (${node.access}; \`heapwise probe\` prints the udev rule)`;
    }
  }
  return null;
}
