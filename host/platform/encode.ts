// The platform blob handed to hw_init: PlatformHeader, Heap and Device records, preferred-heap
// indexes, then names, laid out as abi/v1.json says.
import { PlatformHeaderLayout as PH, HeapLayout as HL, DeviceLayout as DL, HeapFlag, DeviceFlag, INPUT_CAPACITY } from '../abi/generated.js';
import { KIND_VALUE } from './kind.js';
import type { Platform } from './types.js';

export function encodePlatform(p: Platform): Uint8Array {
  const enc = new TextEncoder();
  const heapNames = p.heaps.map((h) => enc.encode(h.name));
  const deviceNames = p.devices.map((d) => enc.encode(d.name));
  const heapsOffset = PH.SIZE;
  const devicesOffset = heapsOffset + p.heaps.length * HL.SIZE;
  let prefOffset = devicesOffset + p.devices.length * DL.SIZE;
  let stringsOffset = prefOffset + p.devices.reduce((n, d) => n + d.preferredHeaps.length * 4, 0);
  const total = stringsOffset + heapNames.reduce((n, b) => n + b.length, 0) + deviceNames.reduce((n, b) => n + b.length, 0);
  if (total > INPUT_CAPACITY) throw new Error(`platform ${p.name} encodes to ${total} bytes, more than the ABI's ${INPUT_CAPACITY}`);
  const buf = new Uint8Array(total);
  const dv = new DataView(buf.buffer);
  dv.setUint32(PH.heapCount, p.heaps.length, true);
  dv.setUint32(PH.deviceCount, p.devices.length, true);
  dv.setUint32(PH.heapsOffset, heapsOffset, true);
  dv.setUint32(PH.devicesOffset, devicesOffset, true);
  p.heaps.forEach((h, i) => {
    const b = heapsOffset + i * HL.SIZE;
    let flags = 0;
    if (h.contiguous) flags |= HeapFlag.CONTIGUOUS;
    if (h.cached) flags |= HeapFlag.CACHED;
    if (h.cpuAccess) flags |= HeapFlag.CPU_ACCESS;
    if (h.kind === 'protected') flags |= HeapFlag.PROTECTED;
    dv.setUint32(b + HL.kind, KIND_VALUE[h.kind], true);
    dv.setUint32(b + HL.flags, flags, true);
    dv.setUint32(b + HL.maxAddressBits, h.maxAddressBits, true);
    dv.setUint32(b + HL.nameOffset, stringsOffset, true);
    dv.setUint32(b + HL.nameLen, heapNames[i]!.length, true);
    dv.setBigUint64(b + HL.size, BigInt(h.size), true);
    dv.setBigUint64(b + HL.granule, BigInt(h.granule), true);
    buf.set(heapNames[i]!, stringsOffset);
    stringsOffset += heapNames[i]!.length;
  });
  p.devices.forEach((d, i) => {
    const b = devicesOffset + i * DL.SIZE;
    let flags = 0;
    if (d.iommu) flags |= DeviceFlag.IOMMU;
    if (d.coherent) flags |= DeviceFlag.COHERENT;
    if (d.contiguous === true) flags |= DeviceFlag.CONTIGUOUS_YES;
    if (d.contiguous === false) flags |= DeviceFlag.CONTIGUOUS_NO;
    if (d.protected) flags |= DeviceFlag.PROTECTED;
    dv.setUint32(b + DL.dmaMaskBits, d.dmaMaskBits, true);
    dv.setUint32(b + DL.flags, flags, true);
    dv.setBigUint64(b + DL.alignment, BigInt(d.alignment), true);
    dv.setUint32(b + DL.prefOffset, prefOffset, true);
    dv.setUint32(b + DL.prefCount, d.preferredHeaps.length, true);
    for (const h of d.preferredHeaps) { dv.setUint32(prefOffset, h, true); prefOffset += 4; }
    dv.setUint32(b + DL.nameOffset, stringsOffset, true);
    dv.setUint32(b + DL.nameLen, deviceNames[i]!.length, true);
    buf.set(deviceNames[i]!, stringsOffset);
    stringsOffset += deviceNames[i]!.length;
  });
  return buf;
}
