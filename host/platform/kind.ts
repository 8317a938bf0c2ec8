// Heap kinds and what each kind implies, following the kernel's heap naming
// (Documentation/userspace-api/dma-buf-heaps.rst) and the names seen in vendor trees.
import { HeapKind } from '../abi/generated.js';

export type HeapKindName = 'system' | 'system-uncached' | 'cma' | 'carveout' | 'protected' | 'udmabuf';

export const KIND_VALUE: Record<HeapKindName, number> = {
  system: HeapKind.SYSTEM,
  'system-uncached': HeapKind.SYSTEM_UNCACHED,
  cma: HeapKind.CMA,
  carveout: HeapKind.CARVEOUT,
  protected: HeapKind.PROTECTED,
  udmabuf: HeapKind.UDMABUF,
};

export const KIND_NAME: Record<number, HeapKindName> = Object.fromEntries(
  Object.entries(KIND_VALUE).map(([k, v]) => [v, k as HeapKindName]),
) as Record<number, HeapKindName>;

export interface KindDefaults {
  contiguous: boolean;
  cached: boolean;
  cpuAccess: boolean;
}

export const KIND_DEFAULTS: Record<HeapKindName, KindDefaults> = {
  system: { contiguous: false, cached: true, cpuAccess: true },
  'system-uncached': { contiguous: false, cached: false, cpuAccess: true },
  cma: { contiguous: true, cached: true, cpuAccess: true },
  carveout: { contiguous: true, cached: true, cpuAccess: true },
  protected: { contiguous: true, cached: false, cpuAccess: false },
  udmabuf: { contiguous: false, cached: true, cpuAccess: true },
};

const CMA_NAMES = new Set(['default_cma_region', 'reserved', 'linux,cma', 'default-pool']);

/**
 * Infers a heap's kind from its /dev/dma_heap node name, or returns null when the name says
 * nothing (the platform must then state "kind"). Order matters: "protected,secure-video" and
 * "cma-uncached" must not fall into the plain CMA rule.
 */
export function inferKind(name: string): HeapKindName | null {
  const n = name.toLowerCase();
  if (n === 'udmabuf' || n === '/dev/udmabuf') return 'udmabuf';
  if (n.startsWith('protected,') || n.includes('secure') || n.includes('restricted')) return 'protected';
  if (n.includes('uncached')) return n.includes('cma') || n.includes('contiguous') ? 'cma' : 'system-uncached';
  if (n === 'system' || n.startsWith('system-') || n.startsWith('system_')) return 'system';
  if (CMA_NAMES.has(n) || n.includes('cma') || n.includes('contiguous')) return 'cma';
  return null;
}
