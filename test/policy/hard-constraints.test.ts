// Each hard constraint of the default policy, with the device and constraint named in the reason.
import { describe, it, expect } from 'vitest';
import { Engine } from '../../host/engine/engine.js';
import { policy } from '../support/modules.js';
import { platform, SOC } from '../support/platforms.js';
import type { AllocateRequest } from '../../host/engine/buffer.js';

async function decide(req: AllocateRequest, plat: object = SOC) {
  const e = Engine.create(await policy('default'), platform(plat));
  const d = e.allocate(req).decision!;
  e.dispose();
  return d;
}
const rejection = (d: Awaited<ReturnType<typeof decide>>, heap: string) => d.rejected.find((r) => r.heap === heap);

describe('default policy: hard constraints', () => {
  it('a device without an IOMMU reaches only memory below its DMA mask', async () => {
    const d = await decide({ size: 4096, devices: ['csi'], cpu: 'none' });
    expect(d.heap).toBe('reserved');
    expect(rejection(d, 'system')).toMatchObject({ device: 'csi', code: 'DMA_MASK' });
    expect(rejection(d, 'system')!.reason).toContain('32-bit DMA mask');
  });

  it('a device without an IOMMU needs contiguous memory even when the heap is reachable', async () => {
    const plat = { ...SOC, heaps: [{ name: 'system-dma32', kind: 'system', maxAddressBits: 32 }, ...SOC.heaps] };
    const d = await decide({ size: 4096, devices: ['csi'], cpu: 'none' }, plat);
    expect(rejection(d, 'system-dma32')).toMatchObject({ device: 'csi', code: 'NOT_CONTIGUOUS' });
    expect(d.heap).toBe('reserved');
  });

  it('"contiguous": false lets an IOMMU-less, scatter-gather device use scattered pages it can reach', async () => {
    const plat = {
      ...SOC,
      heaps: [{ name: 'system-dma32', kind: 'system', maxAddressBits: 32 }, ...SOC.heaps],
      devices: [{ name: 'sgdma', dmaMaskBits: 32, iommu: false, coherent: false, contiguous: false }],
    };
    const d = await decide({ size: 4096, devices: ['sgdma'], cpu: 'read' }, plat);
    expect(d.heap).not.toBeNull();
    expect(rejection(d, 'system-dma32')).toBeUndefined();
    expect(rejection(d, 'system')).toMatchObject({ code: 'DMA_MASK' });
  });

  it('"contiguous": true needs contiguity even behind an IOMMU', async () => {
    const plat = { ...SOC, devices: [{ name: 'jpeg', dmaMaskBits: 40, iommu: true, coherent: false, contiguous: true }] };
    const d = await decide({ size: 4096, devices: ['jpeg'], cpu: 'none' }, plat);
    expect(d.heap).toBe('reserved');
    expect(rejection(d, 'system')).toMatchObject({ device: 'jpeg', code: 'NOT_CONTIGUOUS' });
  });

  it('protected requests go only to protected heaps, and every device must support protected content', async () => {
    const ok = await decide({ size: 1 << 20, devices: ['gpu', 'vpu'], cpu: 'none', protected: true });
    expect(ok.heap).toBe('protected,secure-video');
    expect(rejection(ok, 'system')).toMatchObject({ code: 'NOT_PROTECTED' });
    const bad = await decide({ size: 1 << 20, devices: ['gpu', 'isp'], cpu: 'none', protected: true });
    expect(bad.heap).toBeNull();
    expect(rejection(bad, 'protected,secure-video')).toMatchObject({ device: 'isp', code: 'DEVICE_NOT_PROTECTED' });
  });

  it('a request that is not protected never goes to a protected heap', async () => {
    const d = await decide({ size: 4096, devices: ['vpu'], cpu: 'none' });
    expect(d.heap).toBe('reserved');
    expect(rejection(d, 'protected,secure-video')).toMatchObject({ code: 'PROTECTED_HEAP', device: null });
  });

  it('CPU access needs a CPU-accessible heap', async () => {
    const plat = { ...SOC, heaps: [{ name: 'carve', kind: 'carveout', cpuAccess: false, size: 1 << 24, maxAddressBits: 32 }, ...SOC.heaps] };
    const d = await decide({ size: 4096, devices: ['csi'], cpu: 'read' }, plat);
    expect(rejection(d, 'carve')).toMatchObject({ code: 'NO_CPU_ACCESS' });
    const none = await decide({ size: 4096, devices: ['csi'], cpu: 'none' }, plat);
    expect(none.heap).toBe('carve');
  });

  it('the rounded size must fit the heap capacity, and nothing fitting is a null heap with reasons', async () => {
    const d = await decide({ size: 65 * 1024 * 1024, devices: ['csi'], cpu: 'none' });
    expect(d.heap).toBeNull();
    expect(d.failure).toContain('no heap');
    expect(rejection(d, 'reserved')).toMatchObject({ code: 'TOO_LARGE' });
    expect(rejection(d, 'reserved')!.reason).toContain('68157440 bytes');
  });

  it('rounds to the page, the largest device alignment and the heap granule', async () => {
    expect((await decide({ size: 1, devices: ['isp'], cpu: 'none' })).size).toBe(4096);
    expect((await decide({ size: 70000, devices: ['vpu', 'csi'], cpu: 'none' })).size).toBe(131072);
    const plat = { ...SOC, heaps: [{ name: 'system', granule: 2 * 1024 * 1024 }] };
    expect((await decide({ size: 5000, devices: ['isp'], cpu: 'read' }, plat)).size).toBe(2 * 1024 * 1024);
  });
});
