// Device constraints merged across every device of a request, and the hard checks that
// reject a heap with the device and constraint at fault. Everything works on the platform's
// bit masks (platform-masks.ts): loops run over set bits only, and each loop iteration costs
// a unit of fuel.
import { Reason, Access, NONE, PAGE_SIZE } from './abi/generated';
import { device, heap } from './platform';
import { allDevices, allHeaps, iommuDevices, contiguousDevices, coherentDevices, protectedDevices, protectedHeaps,
  cpuAccessHeaps, contiguousHeaps, unreachableHeaps, sizedHeaps, platformGeneration } from './platform-masks';
import { Placement } from './placement';

/** Largest alignment any device in `devices` asks for (at least 1). */
export function mergedAlignment(devices: u64): u64 {
  let a: u64 = 1;
  let m = devices & allDevices();
  if (m == 0) return a;
  do {
    const al = device(<u32>ctz(m)).alignment;
    if (al > a) a = al;
    m &= m - 1;
  } while (m != 0);
  return a;
}

/** True when every device in `devices` sits behind an IOMMU. */
export function allIommu(devices: u64): bool { return (devices & allDevices() & ~iommuDevices()) == 0; }

/** True when some device in `devices` needs physically contiguous memory. */
export function anyNeedsContiguous(devices: u64): bool { return (devices & contiguousDevices()) != 0; }

/** True when every device in `devices` is cache-coherent with the CPU. */
export function allCoherent(devices: u64): bool { return (devices & allDevices() & ~coherentDevices()) == 0; }

/** The narrowest DMA mask among devices without an IOMMU (64 when all have one). */
export function addressBitsReachable(devices: u64): u32 {
  let bits: u32 = 64;
  let m = devices & allDevices() & ~iommuDevices();
  while (m != 0) {
    const b = device(<u32>ctz(m)).dmaMaskBits;
    if (b < bits) bits = b;
    m &= m - 1;
  }
  return bits;
}

/** Rounds size up to `align` (a power of two); 0 when the result would not fit in 64 bits. */
export function roundUp(size: u64, align: u64): u64 {
  const r = (size + align - 1) & ~(align - 1);
  return r < size ? 0 : r;
}

// The last device set's page and device alignment: a decision asks it for several heaps.
let alignedFor: u64 = 0;
let alignedGeneration: u32 = 0;
let alignedValue: u64 = <u64>PAGE_SIZE;

/** The larger of a page and the largest alignment any device in `devices` asks for. */
export function pageAlignment(devices: u64): u64 {
  if (devices != alignedFor || alignedGeneration != platformGeneration()) {
    const al = mergedAlignment(devices);
    alignedValue = al > <u64>PAGE_SIZE ? al : <u64>PAGE_SIZE;
    alignedFor = devices;
    alignedGeneration = platformGeneration();
  }
  return alignedValue;
}

/** The size an allocation of `size` bytes takes in heap h for these devices: page, device alignment, heap granule. */
@inline export function roundedSize(size: u64, devices: u64, h: u32): u64 {
  let a = pageAlignment(devices);
  const g = heap(h).granule;
  if (g > a) a = g;
  return roundUp(size, a);
}

/** True when `size` rounded for heap h does not fit in 64 bits or in the heap's capacity. */
@inline function tooLarge(size: u64, devices: u64, h: u32): bool {
  const r = roundedSize(size, devices, h);
  const cap = heap(h).size;
  return r == 0 || (cap != 0 && r > cap);
}

/** Heaps device d rules out for this request (all of them when protected content meets an unprotected device). */
@inline function refusedBy(d: u32, protectedReq: bool): u64 {
  const b = (<u64>1) << d;
  if (protectedReq && (protectedDevices() & b) == 0) return <u64>-1;
  return unreachableHeaps(d) | ((contiguousDevices() & b) != 0 ? ~contiguousHeaps() : 0);
}

/** Rejects heap h for device d, naming the first of d's constraints it breaks. */
function rejectForDevice(p: Placement, h: u32, d: u32, protectedReq: bool): void {
  const b = (<u64>1) << d;
  if (protectedReq && (protectedDevices() & b) == 0) p.reject(h, d, Reason.DEVICE_NOT_PROTECTED, 0);
  else if ((unreachableHeaps(d) & ((<u64>1) << h)) != 0) p.reject(h, d, Reason.DMA_MASK, device(d).dmaMaskBits);
  else p.reject(h, d, Reason.NOT_CONTIGUOUS, 0);
}

/**
 * Rejects every heap that breaks a hard constraint: protected content end to end, CPU access,
 * each device's DMA reach, contiguity and protected support, and the heap's capacity.
 * One reason per heap: the first constraint that fails, devices in index order.
 */
@inline export function applyHardConstraints(p: Placement): void {
  const alive = p.candidates & allHeaps();
  if (alive == 0) return;
  const devices = p.devices & allDevices();
  const protectedReq = p.isProtected;
  const cpu = p.cpu;
  // Each constraint takes the heaps the earlier ones left.
  const byProtection = alive & (protectedReq ? ~protectedHeaps() : protectedHeaps());
  let rest = alive & ~byProtection;
  const byCpu = cpu != Access.NONE ? rest & ~cpuAccessHeaps() : 0;
  rest &= ~byCpu;
  let byDevice: u64 = 0;
  let refusing: u64 = 0; // the devices that rule out some heap still left
  let m = devices;
  if (m != 0) {
    do {
      const d = <u32>ctz(m);
      const refused = refusedBy(d, protectedReq) & rest;
      if (refused != 0) { byDevice |= refused; refusing |= (<u64>1) << d; }
      m &= m - 1;
    } while (m != 0);
  }
  rest &= ~byDevice;
  // Heaps without capacity or coarse granule all round alike: one rounding for all of them.
  const size = p.size;
  let bySize: u64 = roundUp(size, pageAlignment(devices)) == 0 ? rest & ~sizedHeaps() : 0;
  let sized = rest & sizedHeaps();
  if (sized != 0) {
    do {
      const h = <u32>ctz(sized);
      if (tooLarge(size, devices, h)) bySize |= (<u64>1) << h;
      sized &= sized - 1;
    } while (sized != 0);
  }
  // One reason per heap, in heap order.
  let rejected = byProtection | byCpu | byDevice | bySize;
  if (rejected == 0) return;
  do {
    const h = <u32>ctz(rejected);
    const b = (<u64>1) << h;
    rejected &= rejected - 1;
    if ((byProtection & b) != 0) p.reject(h, NONE, protectedReq ? Reason.NOT_PROTECTED : Reason.PROTECTED_HEAP, 0);
    else if ((byCpu & b) != 0) p.reject(h, NONE, Reason.NO_CPU_ACCESS, cpu);
    else if ((bySize & b) != 0) p.reject(h, NONE, Reason.TOO_LARGE, 0);
    else {
      let r = refusing;
      while ((refusedBy(<u32>ctz(r), protectedReq) & b) == 0) r &= r - 1;
      rejectForDevice(p, h, <u32>ctz(r), protectedReq);
    }
  } while (rejected != 0);
}
