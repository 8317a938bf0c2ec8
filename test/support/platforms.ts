// Platforms built in tests, and the example files.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parsePlatform } from '../../host/platform/parse.js';
import type { Platform } from '../../host/platform/types.js';
import { ROOT } from './modules.js';

export const EXAMPLES = join(ROOT, 'examples');

export function examplePlatformFiles(): string[] {
  return readdirSync(join(EXAMPLES, 'platforms')).filter((f) => f.endsWith('.json')).sort();
}

export function platform(json: object): Platform {
  return parsePlatform(json, 'test-platform');
}

/** A small SoC: one IOMMU-less 32-bit camera, an ISP and GPU behind IOMMUs, one coherent device. */
export const SOC = {
  name: 'soc',
  heaps: [
    { name: 'system' },
    { name: 'system-uncached' },
    { name: 'reserved', size: 64 * 1024 * 1024, maxAddressBits: 32 },
    { name: 'protected,secure-video', size: 128 * 1024 * 1024, maxAddressBits: 32 },
  ],
  devices: [
    { name: 'csi', dmaMaskBits: 32, iommu: false, coherent: false },
    { name: 'isp', dmaMaskBits: 40, iommu: true, coherent: false },
    { name: 'gpu', dmaMaskBits: 40, iommu: true, coherent: false, protected: true },
    { name: 'pcie', dmaMaskBits: 64, iommu: true, coherent: true },
    { name: 'vpu', dmaMaskBits: 32, iommu: false, coherent: false, protected: true, alignment: 65536 },
  ],
};
