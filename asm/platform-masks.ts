// The platform as bit masks, derived once at hw_init: a decision then tests bits of a u64
// (bit i = heap or device i) instead of walking heap and device records for every (device, heap)
// pair. Plain module globals are wasm globals: reading them touches no linear memory, so a
// wasm2c host pays no bounds check for them, and none of this costs fuel per event.
import { MAX_DEVICES, MAX_HEAPS, PAGE_SIZE, HEAP_SIZE, DEVICE_SIZE, NONE, HeapFlag, HeapKind, DeviceFlag, Heap, Device } from './abi/generated';

// Heaps by flag and kind class; devices by flag (bit i = heap or device i).
let heapMask: u64 = 0, protectedHeapMask: u64 = 0, cpuAccessHeapMask: u64 = 0, contiguousHeapMask: u64 = 0,
  cachedHeapMask: u64 = 0, scarceHeapMask: u64 = 0, systemLikeHeapMask: u64 = 0, sizedHeapMask: u64 = 0;
let deviceMask: u64 = 0, iommuDeviceMask: u64 = 0, protectedDeviceMask: u64 = 0, coherentDeviceMask: u64 = 0,
  contiguousDeviceMask: u64 = 0, listingDeviceMask: u64 = 0;
/** Changes with every platform loaded, so that values derived from one are not reused for another. */
let generation: u32 = 0;

// Heap kinds are small numbers: one mask per kind below KINDS (larger kinds have no mask).
const KINDS: u32 = 16;
const kindMasks: usize = memory.data(<i32>KINDS * 8, 8);
// Per device: heaps above its DMA mask (none behind an IOMMU); heaps it lists in preferredHeaps.
const unreachable: usize = memory.data(<i32>MAX_DEVICES * 8, 8);
const preferred: usize = memory.data(<i32>MAX_DEVICES * 8, 8);
// Per heap: the devices that list it.
const preferring: usize = memory.data(<i32>MAX_HEAPS * 8, 8);
// (device, heap): the first position of the heap in the device's list (valid where `preferred` says so).
const prefRanks: usize = memory.data(<i32>(MAX_DEVICES * MAX_HEAPS) * 4, 4);

@inline function bit(i: u32): u64 { return (<u64>1) << i; }

/** Derives every mask from heap and device records (a validated platform: prefs name existing heaps). */
export function derivePlatformMasks(heapsAt: usize, heaps: u32, devicesAt: usize, devices: u32, blob: usize): void {
  generation++;
  heapMask = heaps >= 64 ? <u64>-1 : bit(heaps) - 1;
  deviceMask = devices >= 64 ? <u64>-1 : bit(devices) - 1;
  protectedHeapMask = 0; cpuAccessHeapMask = 0; contiguousHeapMask = 0; cachedHeapMask = 0;
  scarceHeapMask = 0; systemLikeHeapMask = 0; sizedHeapMask = 0;
  memory.fill(kindMasks, 0, <usize>KINDS * 8);
  for (let h: u32 = 0; h < heaps; h++) {
    const hp = Heap.at(heapsAt + <usize>h * HEAP_SIZE);
    const f = hp.flags;
    const k = hp.kind;
    const b = bit(h);
    if ((f & HeapFlag.PROTECTED) != 0) protectedHeapMask |= b;
    if ((f & HeapFlag.CPU_ACCESS) != 0) cpuAccessHeapMask |= b;
    if ((f & HeapFlag.CONTIGUOUS) != 0) contiguousHeapMask |= b;
    if ((f & HeapFlag.CACHED) != 0) cachedHeapMask |= b;
    if (k == HeapKind.CMA || k == HeapKind.CARVEOUT) scarceHeapMask |= b;
    if (k == HeapKind.SYSTEM || k == HeapKind.SYSTEM_UNCACHED || k == HeapKind.UDMABUF) systemLikeHeapMask |= b;
    if (hp.size != 0 || hp.granule > <u64>PAGE_SIZE) sizedHeapMask |= b;
    if (k < KINDS) store<u64>(kindMasks + <usize>k * 8, load<u64>(kindMasks + <usize>k * 8) | b);
  }
  iommuDeviceMask = 0; protectedDeviceMask = 0; coherentDeviceMask = 0; contiguousDeviceMask = 0; listingDeviceMask = 0;
  memory.fill(preferring, 0, <usize>MAX_HEAPS * 8);
  memory.fill(preferred, 0, <usize>MAX_DEVICES * 8);
  memory.fill(unreachable, 0, <usize>MAX_DEVICES * 8);
  for (let d: u32 = 0; d < devices; d++) {
    const dev = Device.at(devicesAt + <usize>d * DEVICE_SIZE);
    const f = dev.flags;
    const b = bit(d);
    const iommu = (f & DeviceFlag.IOMMU) != 0;
    if (iommu) iommuDeviceMask |= b;
    if ((f & DeviceFlag.PROTECTED) != 0) protectedDeviceMask |= b;
    if ((f & DeviceFlag.COHERENT) != 0) coherentDeviceMask |= b;
    // Contiguous memory: explicitly, or because nothing remaps for the device.
    if ((f & DeviceFlag.CONTIGUOUS_YES) != 0 || ((f & DeviceFlag.CONTIGUOUS_NO) == 0 && !iommu)) contiguousDeviceMask |= b;
    let far: u64 = 0;
    if (!iommu) {
      for (let h: u32 = 0; h < heaps; h++) {
        const bits = Heap.at(heapsAt + <usize>h * HEAP_SIZE).maxAddressBits;
        if ((bits == 0 ? <u32>64 : bits) > dev.dmaMaskBits) far |= bit(h);
      }
    }
    store<u64>(unreachable + <usize>d * 8, far);
    let listed: u64 = 0;
    for (let k: u32 = 0; k < dev.prefCount; k++) {
      const h = load<u32>(blob + dev.prefOffset + <usize>k * 4);
      if ((listed & bit(h)) != 0) continue;
      listed |= bit(h);
      store<u32>(prefRanks + <usize>(d * MAX_HEAPS + h) * 4, k);
      store<u64>(preferring + <usize>h * 8, load<u64>(preferring + <usize>h * 8) | b);
    }
    store<u64>(preferred + <usize>d * 8, listed);
    if (listed != 0) listingDeviceMask |= b;
  }
}

/** Changes whenever hw_init loads a platform. */
@inline export function platformGeneration(): u32 { return generation; }
/** Every heap of the platform. */
@inline export function allHeaps(): u64 { return heapMask; }
/** Every device of the platform. */
@inline export function allDevices(): u64 { return deviceMask; }
@inline export function protectedHeaps(): u64 { return protectedHeapMask; }
@inline export function cpuAccessHeaps(): u64 { return cpuAccessHeapMask; }
@inline export function contiguousHeaps(): u64 { return contiguousHeapMask; }
@inline export function cachedHeaps(): u64 { return cachedHeapMask; }
/** CMA regions and carveouts: contiguous and scarce. */
@inline export function scarceHeaps(): u64 { return scarceHeapMask; }
/** System-like memory: system, system-uncached, udmabuf. */
@inline export function systemLikeHeaps(): u64 { return systemLikeHeapMask; }
/** Heaps where a size rounds or fits differently: a capacity, or a granule above a page. */
@inline export function sizedHeaps(): u64 { return sizedHeapMask; }
/** The heaps of one HeapKind. */
@inline export function heapsOfKind(kind: u32): u64 { return kind < KINDS ? load<u64>(kindMasks + <usize>kind * 8) : 0; }
@inline export function iommuDevices(): u64 { return iommuDeviceMask; }
@inline export function protectedDevices(): u64 { return protectedDeviceMask; }
@inline export function coherentDevices(): u64 { return coherentDeviceMask; }
/** Devices that need physically contiguous memory: explicitly, or because nothing remaps for them. */
@inline export function contiguousDevices(): u64 { return contiguousDeviceMask; }
/** Heaps whose addresses device d cannot reach (none when it sits behind an IOMMU). */
@inline export function unreachableHeaps(d: u32): u64 { return load<u64>(unreachable + <usize>d * 8); }
/** Heaps device d lists in its preferredHeaps. */
@inline export function preferredHeapsOf(d: u32): u64 { return load<u64>(preferred + <usize>d * 8); }
/** Devices that list heap h in their preferredHeaps. */
@inline export function devicesPreferring(h: u32): u64 { return load<u64>(preferring + <usize>h * 8); }

/** Heaps any device in `devices` lists in its preferredHeaps. */
export function preferredHeaps(devices: u64): u64 {
  let m = devices & listingDeviceMask;
  let heaps: u64 = 0;
  if (m == 0) return 0;
  do {
    heaps |= preferredHeapsOf(<u32>ctz(m));
    m &= m - 1;
  } while (m != 0);
  return heaps;
}

/** Position of heap h in device d's preferredHeaps (its first occurrence), or NONE. */
@inline export function listedRank(d: u32, h: u32): u32 {
  if (d >= 64 || h >= 64 || (preferredHeapsOf(d) & bit(h)) == 0) return NONE;
  return load<u32>(prefRanks + <usize>(d * MAX_HEAPS + h) * 4);
}
