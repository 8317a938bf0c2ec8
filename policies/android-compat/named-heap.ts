// The heap a request names, as Android code names one when it calls libdmabufheap's
// BufferAllocator::Alloc(heap_name): our requests carry no heap name, so the attached devices'
// preferredHeaps stand for it (a HAL picks the heap for the device that will use the buffer,
// e.g. gs101's MFC driver: DRM frames from vframe-secure, other buffers from system-uncached).
import { Placement, deviceCount, preferenceRank, NONE } from '../../asm/index';

/**
 * Where heap h stands among the heaps the request's devices name: devices in platform order,
 * each device's list in its order (device * 64 + position), or NONE when no device names it.
 */
export function namedRank(p: Placement, h: u32): u32 {
  for (let d: u32 = 0; d < deviceCount(); d++) {
    if (!p.hasDevice(d)) continue;
    const r = preferenceRank(d, h);
    if (r != NONE) return d * 64 + r;
  }
  return NONE;
}

/** True when some heap the devices name is still a candidate (after the hard constraints). */
export function anyNamedAlive(p: Placement, heapCount: u32): bool {
  for (let h: u32 = 0; h < heapCount; h++) if (p.alive(h) && namedRank(p, h) != NONE) return true;
  return false;
}
