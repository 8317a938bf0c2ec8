// Turning Reason codes into sentences a person can act on.
import { Reason, ReasonName, NONE } from '../abi/generated.js';
import type { Platform } from '../platform/types.js';
import { errnoName } from '../backend/errno-name.js';

const ACCESS = ['no', 'read', 'write', 'read-write'];

export interface ReasonContext {
  platform: Platform;
  code: number;
  heap: number;
  device: number;
  detail: number;
  /** Rounded size of the request for this heap, for capacity reasons. */
  rounded?: bigint;
}

export function reasonText(c: ReasonContext): string {
  const p = c.platform;
  const heap = p.heaps[c.heap];
  const dev = c.device !== NONE ? p.devices[c.device] : undefined;
  const dname = dev ? `device ${dev.name}` : 'a device';
  switch (c.code) {
    case Reason.DMA_MASK:
      return `${dname} has no IOMMU and a ${c.detail}-bit DMA mask; the heap reaches ${heap?.maxAddressBits ?? 64}-bit addresses`;
    case Reason.NOT_CONTIGUOUS:
      return `${dname} needs physically contiguous memory (${dev?.contiguous === true ? '"contiguous": true' : 'no IOMMU'}); the heap is not contiguous`;
    case Reason.NOT_PROTECTED:
      return 'protected request; the heap is not a protected heap';
    case Reason.DEVICE_NOT_PROTECTED:
      return `${dname} cannot access protected memory`;
    case Reason.PROTECTED_HEAP:
      return 'the request is not protected; a protected heap holds protected content only';
    case Reason.NO_CPU_ACCESS:
      return `the CPU needs ${ACCESS[c.detail] ?? ''} access; the heap is not CPU-accessible`.replace('  ', ' ');
    case Reason.TOO_LARGE:
      return c.rounded !== undefined && heap && heap.size > 0
        ? `${c.rounded} bytes (rounded) exceed the heap's ${heap.size}-byte capacity`
        : 'the rounded size exceeds the heap\'s capacity';
    case Reason.ALLOC_FAILED:
      return `allocation from this heap failed${c.detail ? `: ${errnoName(c.detail)}` : ''}`;
    case Reason.NOT_LISTED:
      return 'not in this policy\'s heap list';
    case Reason.OVER_BUDGET:
      return `over this policy's budget for the heap${c.detail ? ` (${c.detail} KiB left)` : ''}`;
    case Reason.PREFERRED:
      return `in the preferredHeaps of ${dname}`;
    case Reason.SYSTEM_FIRST:
      return 'no device needs contiguous memory: plentiful system memory before scarce contiguous memory';
    case Reason.UNCACHED_CPU_WRITES:
      return 'the CPU does not read: uncached memory needs no cache maintenance';
    case Reason.CACHED_CPU_READS:
      return 'the CPU reads: cached memory reads fast';
    case Reason.CONTIGUOUS_NEEDED:
      return 'a device needs physically contiguous memory';
    case Reason.LISTED_ORDER:
      return 'in the policy\'s listed order';
    case Reason.SCARCE_LAST:
      return 'contiguous memory is scarce: kept as a fallback';
    case Reason.NO_HEAP_FITS:
      return 'no heap meets every hard constraint';
    case Reason.NO_DEVICES:
      return 'the request names no device';
    case Reason.CPU_INVALIDATE:
      return 'START: the CPU may hold stale lines or begins a CPU-domain stretch';
    case Reason.CPU_CLEAN:
      return 'END: CPU writes must reach memory before a non-coherent device reads';
    case Reason.LAZY_END:
      return 'END issued lazily, when the buffer leaves the CPU domain';
    case Reason.EXPORTED_BRACKET:
      return 'the buffer left the process: every CPU access is bracketed';
    case Reason.COHERENT_ELIDED:
      return 'every attached device is coherent: no cache maintenance';
    case Reason.UNCACHED_ELIDED:
      return 'uncached heap: no cache maintenance';
    case Reason.CPU_DOMAIN_ELIDED:
      return 'the buffer stays in the CPU domain: the open START covers this access';
    case Reason.DEVICE_HANDOFF_ELIDED:
      return 'device-to-device hand-off: no CPU access in between';
    case Reason.FREE_CLOSE:
      return 'END closing the open START before the buffer is freed';
    default:
      return ReasonName[c.code] ?? `reason ${c.code}`;
  }
}
