// A request as the examples write it (schemas/request.schema.json), resolved against a
// platform into what the native policies take.
import type { Platform } from '../../host/platform/types.js';
import type { NativeRequest } from '../native/default-policy.js';

export interface BenchRequest {
  size: number;
  devices: string[];
  cpu?: 'none' | 'read' | 'write' | 'readwrite';
  protected?: boolean;
  name?: string;
}

export const ACCESS_VALUE: Record<string, number> = { none: 0, read: 1, write: 2, readwrite: 3 };

export function nativeRequest(p: Platform, r: BenchRequest): NativeRequest {
  const devices = [...new Set(r.devices.map((d) => p.deviceIndex.get(d)!))].sort((a, b) => a - b);
  return { size: r.size, devices, cpu: ACCESS_VALUE[r.cpu ?? 'none']!, protected: !!r.protected, failedHeaps: [], lastErrno: 0 };
}
