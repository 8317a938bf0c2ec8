// The hard constraints stated independently of any policy's code (written from the spec in
// TypeScript, not from the AssemblyScript SDK), to check any module's decisions against.
import type { Platform, HeapSpec } from '../platform/types.js';
import type { AllocateRequest } from '../engine/buffer.js';
import { roundedSize } from '../engine/rounding.js';

/** The first hard constraint `heap` breaks for `req`, or null when it satisfies all of them. */
export function violatedConstraint(p: Platform, req: AllocateRequest, heap: HeapSpec): string | null {
  const prot = !!req.protected;
  if (prot && heap.kind !== 'protected') return 'not protected';
  if (!prot && heap.kind === 'protected') return 'protected heap';
  if ((req.cpu ?? 'none') !== 'none' && !heap.cpuAccess) return 'no cpu access';
  let devices = 0n;
  for (const name of req.devices) {
    const d = p.devices[p.deviceIndex.get(name)!]!;
    devices |= 1n << BigInt(d.index);
    if (prot && !d.protected) return `${d.name} not protected`;
    if (!d.iommu && heap.maxAddressBits > d.dmaMaskBits) return `${d.name} dma mask`;
    const needsContig = d.contiguous === true || (d.contiguous === undefined && !d.iommu);
    if (needsContig && !heap.contiguous) return `${d.name} contiguity`;
  }
  const r = roundedSize(p, BigInt(req.size), devices, heap.index);
  if (r === 0n || (heap.size > 0 && r > BigInt(heap.size))) return 'too large';
  return null;
}
