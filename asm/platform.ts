// The platform the host handed over at hw_init, copied out of the input region (which every
// event overwrites) and read through typed views; the questions a decision asks per heap or
// device are answered from the masks derived at load (platform-masks.ts).
import { INPUT_CAPACITY, MAX_HEAPS, MAX_DEVICES, HEAP_SIZE, DEVICE_SIZE, PLATFORM_HEADER_SIZE,
  PlatformHeader, Heap, Device, NONE } from './abi/generated';
import { derivePlatformMasks, systemLikeHeaps, scarceHeaps, contiguousDevices, listedRank, coherentDevices,
  allDevices, cachedHeaps } from './platform-masks';

const blob: usize = memory.data(INPUT_CAPACITY, 16);
let heaps: u32 = 0;
let devices: u32 = 0;
let heapsAt: usize = 0;
let devicesAt: usize = 0;

/** Validates and keeps the platform blob; returns false when it is malformed. */
export function loadPlatform(src: usize, len: u32): bool {
  if (len < <u32>PLATFORM_HEADER_SIZE || len > INPUT_CAPACITY) return false;
  memory.copy(blob, src, len);
  const h = PlatformHeader.at(blob);
  if (h.heapCount > MAX_HEAPS || h.deviceCount > MAX_DEVICES) return false;
  if (<u64>h.heapsOffset + <u64>h.heapCount * HEAP_SIZE > <u64>len) return false;
  if (<u64>h.devicesOffset + <u64>h.deviceCount * DEVICE_SIZE > <u64>len) return false;
  for (let i: u32 = 0; i < h.heapCount; i++) {
    const hp = Heap.at(blob + h.heapsOffset + <usize>i * HEAP_SIZE);
    if (<u64>hp.nameOffset + <u64>hp.nameLen > <u64>len) return false;
  }
  for (let i: u32 = 0; i < h.deviceCount; i++) {
    const d = Device.at(blob + h.devicesOffset + <usize>i * DEVICE_SIZE);
    if (<u64>d.prefOffset + <u64>d.prefCount * 4 > <u64>len) return false;
    if (<u64>d.nameOffset + <u64>d.nameLen > <u64>len) return false;
    for (let k: u32 = 0; k < d.prefCount; k++) if (load<u32>(blob + d.prefOffset + <usize>k * 4) >= h.heapCount) return false;
  }
  heaps = h.heapCount;
  devices = h.deviceCount;
  heapsAt = blob + h.heapsOffset;
  devicesAt = blob + h.devicesOffset;
  derivePlatformMasks(heapsAt, heaps, devicesAt, devices, blob);
  return true;
}

export function heapCount(): u32 { return heaps; }
export function deviceCount(): u32 { return devices; }
export function heap(i: u32): Heap { return Heap.at(heapsAt + <usize>i * HEAP_SIZE); }
export function device(i: u32): Device { return Device.at(devicesAt + <usize>i * DEVICE_SIZE); }

export function heapHas(i: u32, flag: u32): bool { return (heap(i).flags & flag) != 0; }
export function heapKind(i: u32): u32 { return heap(i).kind; }
export function deviceHas(i: u32, flag: u32): bool { return (device(i).flags & flag) != 0; }

/** Memory any page may come from: 64 bits when the heap does not say. */
export function heapAddressBits(i: u32): u32 {
  const b = heap(i).maxAddressBits;
  return b == 0 ? 64 : b;
}

/** System-like memory: cheap, plentiful, scattered pages. */
export function isSystemLike(i: u32): bool { return i < 64 && (systemLikeHeaps() & ((<u64>1) << i)) != 0; }

/** CMA regions and carveouts: contiguous and scarce. */
export function isScarce(i: u32): bool { return i < 64 && (scarceHeaps() & ((<u64>1) << i)) != 0; }

/** A device needs physically contiguous memory: explicitly, or because nothing remaps for it. */
export function deviceNeedsContiguous(i: u32): bool { return i < 64 && (contiguousDevices() & ((<u64>1) << i)) != 0; }

/** Position of heap h in device d's preferredHeaps, or NONE. */
export function preferenceRank(d: u32, h: u32): u32 { return listedRank(d, h); }

/** True when heap i's name equals s (ASCII). */
export function heapNameIs(i: u32, s: string): bool {
  const hp = heap(i);
  if (hp.nameLen != <u32>s.length) return false;
  const p = blob + hp.nameOffset;
  for (let k: u32 = 0; k < hp.nameLen; k++) if (<i32>load<u8>(p + <usize>k) != s.charCodeAt(<i32>k)) return false;
  return true;
}

/** Index of the heap named s, or NONE. */
export function heapNamed(s: string): u32 {
  for (let i: u32 = 0; i < heaps; i++) if (heapNameIs(i, s)) return i;
  return NONE;
}

/** Pointer to device i's name bytes (length in device(i).nameLen). */
export function deviceNamePtr(i: u32): usize { return blob + device(i).nameOffset; }

/** Pointer to heap i's name bytes (length in heap(i).nameLen). */
export function heapNamePtr(i: u32): usize { return blob + heap(i).nameOffset; }

/** Bit mask of every device without coherent DMA. */
export function nonCoherentDevices(): u64 { return allDevices() & ~coherentDevices(); }

export function heapCached(i: u32): bool { return i < 64 && (cachedHeaps() & ((<u64>1) << i)) != 0; }
