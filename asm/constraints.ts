// Device constraints merged across every device of a request, and the hard checks that
// reject a heap with the device and constraint at fault.
import { Reason, DeviceFlag, HeapFlag, Access, NONE, PAGE_SIZE } from './abi/generated';
import { deviceCount, device, deviceHas, heapCount, heap, heapHas, heapAddressBits, deviceNeedsContiguous } from './platform';
import { Placement } from './placement';

/** Largest alignment any device in `devices` asks for (at least 1). */
export function mergedAlignment(devices: u64): u64 {
  let a: u64 = 1;
  for (let d: u32 = 0; d < deviceCount(); d++) {
    if ((devices & ((<u64>1) << d)) == 0) continue;
    const al = device(d).alignment;
    if (al > a) a = al;
  }
  return a;
}

/** True when every device in `devices` sits behind an IOMMU. */
export function allIommu(devices: u64): bool {
  for (let d: u32 = 0; d < deviceCount(); d++) {
    if ((devices & ((<u64>1) << d)) != 0 && !deviceHas(d, DeviceFlag.IOMMU)) return false;
  }
  return true;
}

/** True when some device in `devices` needs physically contiguous memory. */
export function anyNeedsContiguous(devices: u64): bool {
  for (let d: u32 = 0; d < deviceCount(); d++) {
    if ((devices & ((<u64>1) << d)) != 0 && deviceNeedsContiguous(d)) return true;
  }
  return false;
}

/** True when every device in `devices` is cache-coherent with the CPU. */
export function allCoherent(devices: u64): bool {
  for (let d: u32 = 0; d < deviceCount(); d++) {
    if ((devices & ((<u64>1) << d)) != 0 && !deviceHas(d, DeviceFlag.COHERENT)) return false;
  }
  return true;
}

/** The narrowest DMA mask among devices without an IOMMU (64 when all have one). */
export function addressBitsReachable(devices: u64): u32 {
  let bits: u32 = 64;
  for (let d: u32 = 0; d < deviceCount(); d++) {
    if ((devices & ((<u64>1) << d)) == 0 || deviceHas(d, DeviceFlag.IOMMU)) continue;
    const m = device(d).dmaMaskBits;
    if (m < bits) bits = m;
  }
  return bits;
}

/** Rounds size up to `align` (a power of two); 0 when the result would not fit in 64 bits. */
export function roundUp(size: u64, align: u64): u64 {
  const r = (size + align - 1) & ~(align - 1);
  return r < size ? 0 : r;
}

/** The size an allocation of `size` bytes takes in heap h for these devices: page, device alignment, heap granule. */
export function roundedSize(size: u64, devices: u64, h: u32): u64 {
  let a: u64 = <u64>PAGE_SIZE;
  const al = mergedAlignment(devices);
  if (al > a) a = al;
  const g = heap(h).granule;
  if (g > a) a = g;
  return roundUp(size, a);
}

/**
 * Rejects every heap that breaks a hard constraint: protected content end to end, CPU access,
 * each device's DMA reach, contiguity and protected support, and the heap's capacity.
 * One reason per heap: the first constraint that fails, devices in index order.
 */
export function applyHardConstraints(p: Placement): void {
  const devices = p.devices;
  const protectedReq = p.isProtected;
  for (let h: u32 = 0; h < heapCount(); h++) {
    if (!p.alive(h)) continue;
    const heapProtected = heapHas(h, HeapFlag.PROTECTED);
    if (protectedReq && !heapProtected) { p.reject(h, NONE, Reason.NOT_PROTECTED, 0); continue; }
    if (!protectedReq && heapProtected) { p.reject(h, NONE, Reason.PROTECTED_HEAP, 0); continue; }
    if (p.cpu != Access.NONE && !heapHas(h, HeapFlag.CPU_ACCESS)) { p.reject(h, NONE, Reason.NO_CPU_ACCESS, p.cpu); continue; }
    let rejected = false;
    for (let d: u32 = 0; d < deviceCount() && !rejected; d++) {
      if ((devices & ((<u64>1) << d)) == 0) continue;
      if (protectedReq && !deviceHas(d, DeviceFlag.PROTECTED)) { p.reject(h, d, Reason.DEVICE_NOT_PROTECTED, 0); rejected = true; break; }
      if (!deviceHas(d, DeviceFlag.IOMMU) && heapAddressBits(h) > device(d).dmaMaskBits) {
        p.reject(h, d, Reason.DMA_MASK, device(d).dmaMaskBits); rejected = true; break;
      }
      if (deviceNeedsContiguous(d) && !heapHas(h, HeapFlag.CONTIGUOUS)) { p.reject(h, d, Reason.NOT_CONTIGUOUS, 0); rejected = true; break; }
    }
    if (rejected) continue;
    const r = roundedSize(p.size, devices, h);
    const cap = heap(h).size;
    if (r == 0 || (cap != 0 && r > cap)) { p.reject(h, NONE, Reason.TOO_LARGE, 0); continue; }
  }
}
