// Soft preferences of the default policy, in order: preferredHeaps, then the cheapest heap.
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

describe('default policy: preferences and fallbacks', () => {
  it('all devices behind IOMMUs: system memory first, scarce CMA last, protected never', async () => {
    const d = await decide({ size: 1 << 20, devices: ['isp', 'gpu'], cpu: 'read' });
    expect([d.heap, ...d.fallbacks]).toEqual(['system', 'system-uncached', 'reserved']);
    expect(d.ranking.map((r) => r.code)).toEqual(['CACHED_CPU_READS', 'SYSTEM_FIRST', 'SCARCE_LAST']);
  });

  it('system-uncached over system when the CPU only writes or does not touch the buffer', async () => {
    for (const cpu of ['write', 'none'] as const) {
      const d = await decide({ size: 1 << 20, devices: ['isp'], cpu });
      expect([d.heap, ...d.fallbacks], cpu).toEqual(['system-uncached', 'system', 'reserved']);
      expect(d.ranking[0]!.code).toBe('UNCACHED_CPU_WRITES');
    }
  });

  it("system over system-uncached when the CPU reads (read or readwrite)", async () => {
    const d = await decide({ size: 1 << 20, devices: ['isp'], cpu: 'readwrite' });
    expect(d.heap).toBe('system');
  });

  it("a device's preferredHeaps come before the cheapest heap", async () => {
    const plat = { ...SOC, devices: [...SOC.devices, { name: 'disp', dmaMaskBits: 40, iommu: true, coherent: false, preferredHeaps: ['reserved'] }] };
    const d = await decide({ size: 1 << 20, devices: ['isp', 'disp'], cpu: 'read' }, plat);
    expect(d.heap).toBe('reserved');
    expect(d.ranking[0]).toMatchObject({ code: 'PREFERRED', reason: 'in the preferredHeaps of device disp' });
    expect(d.fallbacks).toEqual(['system', 'system-uncached']);
  });

  it('a preferred heap that breaks a hard constraint is still rejected', async () => {
    const plat = { ...SOC, devices: [...SOC.devices, { name: 'disp', dmaMaskBits: 32, iommu: false, coherent: false, preferredHeaps: ['system'] }] };
    const d = await decide({ size: 4096, devices: ['disp'], cpu: 'read' }, plat);
    expect(d.heap).toBe('reserved');
    expect(d.rejected.find((r) => r.heap === 'system')).toMatchObject({ device: 'disp', code: 'DMA_MASK' });
  });

  it('ENOMEM on the chosen heap falls back to the next one, and the attempt is reported', async () => {
    const plat = { ...SOC, heaps: [{ name: 'reserved', size: 8 << 20 }, { name: 'system' }], devices: [{ name: 'disp', dmaMaskBits: 40, iommu: true, coherent: false, preferredHeaps: ['reserved'] }] };
    const e = Engine.create(await policy('default'), platform(plat));
    const a = e.allocate({ size: 6 << 20, devices: ['disp'], cpu: 'none' });
    expect(a.heap).toBe('reserved');
    const b = e.allocate({ size: 6 << 20, devices: ['disp'], cpu: 'none' });
    expect(b.heap).toBe('system');
    expect(b.decision!.attempts).toEqual([{ heap: 'reserved', errno: 12, code: 'ENOMEM' }]);
    expect(b.decision!.rejected).toContainEqual(expect.objectContaining({ heap: 'reserved', code: 'ALLOC_FAILED', reason: 'allocation from this heap failed: ENOMEM' }));
    e.free(a);
    const c = e.allocate({ size: 6 << 20, devices: ['disp'], cpu: 'none' });
    expect(c.heap).toBe('reserved');
    e.dispose();
  });

  it('names the buffer when the request has a name', async () => {
    const d = await decide({ size: 4096, devices: ['isp'], cpu: 'none', name: 'cam0-frame3' });
    expect(d.name).toBe('cam0-frame3');
  });
});
