// A platform file to start from: the heaps this machine has, named as the kernel names them,
// with the kind wherever the name implies one. Devices are left for the user to describe.
import { hostname } from 'node:os';
import type { HeapKindName } from '../platform/kind.js';
import type { ProbeResult } from './probe.js';

export interface PlatformSkeleton {
  name: string;
  heaps: { name: string; kind?: HeapKindName }[];
  devices: never[];
}

export function platformSkeleton(result: ProbeResult, name: string = hostname()): PlatformSkeleton {
  const nodes = [...result.heaps, ...(result.udmabuf ? [result.udmabuf] : [])];
  return {
    name,
    heaps: nodes.map((n) => (n.kind ? { name: n.name, kind: n.kind } : { name: n.name })),
    devices: [],
  };
}
