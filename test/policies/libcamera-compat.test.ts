// libcamera-compat: libcamera's DmaBufAllocator providers (linux,cma, reserved, system,
// udmabuf) plus default_cma_region with the CMA names, in that order, under the hard
// constraints, and DmaSyncer's START/END around every CPU access.
import { describe, it, expect } from 'vitest';
import { Engine } from '../../host/engine/engine.js';
import { Referee } from '../../host/referee/coherency.js';
import { policy } from '../support/modules.js';
import { platform, SOC } from '../support/platforms.js';
import {
  decide, kept, rejection, fitting, byKey, namedCaseArb, itFollowsItsRules, itDecidesTheExamples, itRunsTheWorkloads,
  itLoads, runWorkload, type Rules,
} from './support.js';

const NAME = 'libcamera-compat';
const PROBE = ['linux,cma', 'reserved', 'default_cma_region', 'system'];

/** The README's rules, restated: listed providers in probe order (udmabuf by kind, last). */
const probeRank = (h: { name: string; kind: string }) => { const i = PROBE.indexOf(h.name); return i >= 0 ? i : h.kind === 'udmabuf' ? PROBE.length : -1; };
const libcameraRules: Rules = (p, req) => byKey(fitting(p, req).filter((h) => probeRank(h) >= 0), probeRank);

/** Every provider libcamera knows and some it does not, deliberately not in probe order. */
const ALL = {
  name: 'all-providers',
  heaps: [
    { name: 'udmabuf' }, { name: 'system-uncached' }, { name: 'system' }, { name: 'default_cma_region', size: 64 << 20, maxAddressBits: 32 },
    { name: 'cma-uncached', size: 64 << 20 }, { name: 'reserved', size: 64 << 20, maxAddressBits: 30 },
    { name: 'carveout_a', kind: 'carveout', size: 64 << 20 }, { name: 'linux,cma', size: 64 << 20, maxAddressBits: 32 },
  ],
  devices: [
    { name: 'isp', dmaMaskBits: 40, iommu: true, coherent: false },
    { name: 'csi32', dmaMaskBits: 32, iommu: false, coherent: false },
    { name: 'csi30', dmaMaskBits: 30, iommu: false, coherent: false },
    { name: 'tee', dmaMaskBits: 40, iommu: true, coherent: false, protected: true },
  ],
};

describe('libcamera-compat: the probe order', () => {
  it('linux,cma, reserved, default_cma_region, system, udmabuf, whatever the platform order', async () => {
    const d = await decide(NAME, ALL, { size: 1 << 20, devices: ['isp'], cpu: 'read' });
    expect(kept(d)).toEqual(['linux,cma', 'reserved', 'default_cma_region', 'system', 'udmabuf']);
    expect(d.ranking.every((r) => r.code === 'LISTED_ORDER')).toBe(true);
    for (const h of ['system-uncached', 'cma-uncached', 'carveout_a']) expect(rejection(d, h), h).toMatchObject({ code: 'NOT_LISTED', device: null });
  });

  it('default_cma_region, which libcamera misses, serves a contiguous device when it is the only CMA name', async () => {
    const plat = { ...ALL, heaps: ALL.heaps.filter((h) => !['linux,cma', 'reserved'].includes(h.name)) };
    const d = await decide(NAME, plat, { size: 1 << 20, devices: ['csi32'], cpu: 'read' });
    expect(d.heap).toBe('default_cma_region');
    expect(rejection(d, 'system')).toMatchObject({ code: 'DMA_MASK', device: 'csi32' });
    expect(rejection(d, 'cma-uncached')).toMatchObject({ code: 'DMA_MASK', device: 'csi32' });
  });

  it('a CMA heap above a device\'s DMA mask is still rejected, and the next listed provider is used', async () => {
    const d = await decide(NAME, ALL, { size: 1 << 20, devices: ['isp', 'csi30'], cpu: 'none' });
    expect(rejection(d, 'linux,cma')).toMatchObject({ code: 'DMA_MASK', device: 'csi30' });
    expect(rejection(d, 'default_cma_region')).toMatchObject({ code: 'DMA_MASK', device: 'csi30' });
    expect(kept(d)).toEqual(['reserved']);
  });

  it('nothing listed can hold it: FAIL, hard reasons first, the rest not listed', async () => {
    const plat = { ...ALL, heaps: ALL.heaps.filter((h) => h.name !== 'reserved') };
    const d = await decide(NAME, plat, { size: 4096, devices: ['csi30'], cpu: 'none' });
    expect(d.heap).toBeNull();
    expect(rejection(d, 'linux,cma')).toMatchObject({ code: 'DMA_MASK' });
    expect(rejection(d, 'cma-uncached')).toMatchObject({ code: 'DMA_MASK' });
  });

  it('protected content has no libcamera provider: FAIL', async () => {
    const plat = { ...ALL, heaps: [...ALL.heaps, { name: 'protected,secure-video' }] };
    const d = await decide(NAME, plat, { size: 1 << 20, devices: ['tee'], cpu: 'none', protected: true });
    expect(d.heap).toBeNull();
    expect(rejection(d, 'protected,secure-video')).toMatchObject({ code: 'NOT_LISTED' });
    expect(rejection(d, 'linux,cma')).toMatchObject({ code: 'NOT_PROTECTED' });
  });

  it('ENOMEM on the CMA heap falls back to the next provider (libcamera keeps the one it opened)', async () => {
    const plat = { name: 'small-cma', heaps: [{ name: 'system' }, { name: 'linux,cma', size: 8 << 20 }], devices: [ALL.devices[0]!] };
    const e = Engine.create(await policy(NAME), platform(plat));
    const a = e.allocate({ size: 6 << 20, devices: ['isp'], cpu: 'read', name: 'frame-0' });
    const b = e.allocate({ size: 6 << 20, devices: ['isp'], cpu: 'read', name: 'frame-1' });
    expect([a.heap, b.heap]).toEqual(['linux,cma', 'system']);
    expect(b.decision!.attempts).toEqual([{ heap: 'linux,cma', errno: 12, code: 'ENOMEM' }]);
    expect(b.decision!.name).toBe('frame-1');
    e.free(a);
    expect(e.allocate({ size: 6 << 20, devices: ['isp'], cpu: 'read' }).heap).toBe('linux,cma');
    e.dispose();
  });
});

describe('libcamera-compat: DmaSyncer brackets every CPU access', () => {
  it('START/END around each access, consecutive ones included; nothing at device hand-offs', async () => {
    const p = platform(SOC);
    const e = Engine.create(await policy(NAME), p);
    const ref = new Referee(p);
    e.observe(ref);
    const syncs: string[] = [];
    e.observe({ onResult: (_ev, op, r) => { if (op.kind === 3 && r.ok) syncs.push(`${op.arg & 4 ? 'END' : 'START'}|${['', 'R', 'W', 'RW'][op.arg & 3]}`); } });
    const b = e.allocate({ size: 4096, devices: ['csi', 'isp'], cpu: 'readwrite' });
    expect(b.heap).toBe('reserved');
    e.deviceBegin(b, 'csi', 'write'); e.deviceEnd(b, 'csi');
    e.cpuAccess(b, 'read'); e.cpuAccess(b, 'read');
    e.deviceBegin(b, 'isp', 'read'); e.deviceEnd(b, 'isp');
    e.cpuAccess(b, 'readwrite');
    e.free(b);
    expect(syncs).toEqual(['START|R', 'END|R', 'START|R', 'END|R', 'START|RW', 'END|RW']);
    expect(ref.violations).toEqual([]);
  });
});

describe('libcamera-compat: properties, examples, workloads', () => {
  itLoads(NAME);
  itFollowsItsRules(
    NAME,
    namedCaseArb(['linux,cma', 'reserved', 'default_cma_region', 'system', 'udmabuf', 'system-uncached', 'default-pool', 'cma', 'vidbuf_cached']),
    libcameraRules,
  );
  itDecidesTheExamples(NAME, libcameraRules, {
    'rpi4-camera-frame': 'linux,cma', 'rpi5-camera-frame': 'linux,cma', 'a20-olinuxino-lime2-video-decode': 'default_cma_region',
    'imx8mp-evk-camera-frame': 'linux,cma', 'x86-laptop-webcam-frame': 'system', 'am62x-sk-camera-frame': 'linux,cma',
    'am62x-sk-m4f-zerocopy': 'linux,cma', 'rock5b-video-decode': 'system', 'rockpi4-optee-secure-video': null,
    'rpi4-too-large-for-cma': null,
  });
  itRunsTheWorkloads(NAME, true);

  it('camera-isp-display on the Pi 4: every buffer in linux,cma, every CPU access bracketed', async () => {
    const r = await runWorkload(NAME, 'camera-isp-display.json');
    expect(r.failures).toBe(0);
    expect(Object.keys(r.allocations)).toEqual(['linux,cma']);
    expect(r.syncs.issued).toBe(r.syncs.naive);
  });

  it('protected playback cannot be served by libcamera\'s providers', async () => {
    const r = await runWorkload(NAME, 'protected-playback.json');
    expect(r.allocations).toEqual({});
    expect(r.failures).toBe(8);
  });
});
