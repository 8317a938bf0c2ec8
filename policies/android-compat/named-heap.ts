// The heap a request names, as Android code names one when it calls libdmabufheap's
// BufferAllocator::Alloc(heap_name): our requests carry no heap name, so the attached devices'
// preferredHeaps stand for it (a HAL picks the heap for the device that will use the buffer,
// e.g. gs101's MFC driver: DRM frames from vframe-secure, other buffers from system-uncached).
import { Placement, preferenceRank, devicesPreferring, preferredHeaps, NONE } from '../../asm/index';

/**
 * Where heap h stands among the heaps the request's devices name: devices in platform order,
 * each device's list in its order (device * 64 + position), or NONE when no device names it.
 */
export function namedRank(p: Placement, h: u32): u32 {
  const by = devicesPreferring(h) & p.devices;
  if (by == 0) return NONE;
  const d = <u32>ctz(by);
  return d * 64 + preferenceRank(d, h);
}

/** True when some heap the devices name is still a candidate (after the hard constraints). */
export function anyNamedAlive(p: Placement): bool {
  return (preferredHeaps(p.devices) & p.candidates) != 0;
}
