// The platform as the host sees it after validation: every default filled in.
import type { HeapKindName } from './kind.js';

export type CpuUse = 'none' | 'read' | 'write' | 'readwrite';

export interface HeapSpec {
  index: number;
  name: string;
  kind: HeapKindName;
  contiguous: boolean;
  cached: boolean;
  cpuAccess: boolean;
  /** 64 when the platform does not bound it. */
  maxAddressBits: number;
  /** Capacity in bytes; 0 = unbounded. */
  size: number;
  /** Size granule in bytes (power of two, at least 1). */
  granule: number;
}

export interface DeviceSpec {
  index: number;
  name: string;
  dmaMaskBits: number;
  iommu: boolean;
  coherent: boolean;
  /** As written in the platform: undefined means "contiguous iff no IOMMU". */
  contiguous: boolean | undefined;
  alignment: number;
  protected: boolean;
  /** Heap indexes, most preferred first. */
  preferredHeaps: number[];
}

export interface Platform {
  name: string;
  heaps: HeapSpec[];
  devices: DeviceSpec[];
  heapIndex: Map<string, number>;
  deviceIndex: Map<string, number>;
  /** The platform as given (JSON-able), for traces and reports. */
  source: unknown;
}
