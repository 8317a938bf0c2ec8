// android-compat: libdmabufheap's heap choice (Alloc(heap_name) through the devices'
// preferredHeaps, AllocSystem(cpu_access) otherwise) under the hard constraints, buffers named
// after their heap, and START/END around every CPU access.
import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { Engine } from '../../host/engine/engine.js';
import type { ModelBackend } from '../../host/backend/model.js';
import type { AllocateRequest } from '../../host/engine/buffer.js';
import type { Platform } from '../../host/platform/types.js';
import { loadPlatformFile } from '../../host/platform/parse.js';
import { Referee } from '../../host/referee/coherency.js';
import { policy } from '../support/modules.js';
import { platform, SOC, EXAMPLES } from '../support/platforms.js';
import {
  decide, kept, rejection, fitting, attached, byKey, namedCaseArb, itFollowsItsRules, itDecidesTheExamples,
  itRunsTheWorkloads, itLoads, runWorkload, type Rules,
} from './support.js';

const NAME = 'android-compat';
const LONG = 'carveout_reserved-memory-for-the-isp-pipeline'; // 45 bytes: cut to 31 when naming

/** The README's rules, restated. */
const androidRules: Rules = (p, req) => {
  const ok = fitting(p, req);
  const devs = attached(p, req);
  const namedKey = (h: { index: number }) => {
    for (const d of devs) { const r = d.preferredHeaps.indexOf(h.index); if (r >= 0) return d.index * 64 + r; }
    return -1;
  };
  const named = ok.filter((h) => namedKey(h) >= 0);
  if (named.length > 0) return byKey(named, namedKey);
  const list = (req.cpu ?? 'none') === 'none' ? ['system-uncached', 'system'] : ['system'];
  return list.filter((n) => ok.some((h) => h.name === n));
};

/** The name the buffer gets: the request's, else the heap's cut to 31 bytes on a UTF-8 boundary. */
function expectedName(heap: string, req: AllocateRequest): string {
  if (req.name) return req.name;
  const bytes = new TextEncoder().encode(heap);
  let n = Math.min(bytes.length, 31);
  while (n > 0 && n < bytes.length && (bytes[n]! & 0xc0) === 0x80) n--;
  return new TextDecoder().decode(bytes.subarray(0, n));
}

/** SOC (test/support/platforms.ts) plus devices that name heaps. */
const NAMING = {
  ...SOC,
  heaps: [...SOC.heaps, { name: 'cma-b', kind: 'cma', size: 64 << 20 }],
  devices: [
    ...SOC.devices,
    { name: 'disp', dmaMaskBits: 40, iommu: true, coherent: false, preferredHeaps: ['reserved', 'cma-b'] },
    { name: 'jpeg', dmaMaskBits: 32, iommu: false, coherent: false, preferredHeaps: ['system', 'reserved'] },
    { name: 'tee-only', dmaMaskBits: 40, iommu: true, coherent: false, protected: true, preferredHeaps: ['protected,secure-video'] },
  ],
};

describe('android-compat: AllocSystem(cpu_access) when no device names a heap', () => {
  it('no CPU access: system-uncached, then system; every other heap is not AllocSystem\'s', async () => {
    const d = await decide(NAME, SOC, { size: 1 << 20, devices: ['isp', 'gpu'], cpu: 'none' });
    expect(kept(d)).toEqual(['system-uncached', 'system']);
    expect(d.ranking.map((r) => r.code)).toEqual(['UNCACHED_CPU_WRITES', 'LISTED_ORDER']);
    expect(rejection(d, 'reserved')).toMatchObject({ code: 'NOT_LISTED', device: null });
    expect(rejection(d, 'protected,secure-video')).toMatchObject({ code: 'PROTECTED_HEAP' });
  });

  it.each(['read', 'write', 'readwrite'] as const)('CPU %s access: system only, system-uncached is never used', async (cpu) => {
    const d = await decide(NAME, SOC, { size: 1 << 20, devices: ['isp'], cpu });
    expect(kept(d)).toEqual(['system']);
    expect(rejection(d, 'system-uncached')).toMatchObject({ code: 'NOT_LISTED' });
    expect(d.ranking[0]!.code).toBe(cpu === 'write' ? 'LISTED_ORDER' : 'CACHED_CPU_READS');
  });

  it('no system-uncached heap: system, as AllocSystem falls back when the heap list lacks it', async () => {
    const plat = { ...SOC, heaps: SOC.heaps.filter((h) => h.name !== 'system-uncached') };
    const d = await decide(NAME, plat, { size: 4096, devices: ['isp'], cpu: 'none' });
    expect(kept(d)).toEqual(['system']);
  });

  it('only the exact GKI names count: vendor system-like heaps are not AllocSystem\'s', async () => {
    const plat = { ...SOC, heaps: [{ name: 'system_uncached', kind: 'system-uncached' }, { name: 'video_system', kind: 'system' }, ...SOC.heaps] };
    const d = await decide(NAME, plat, { size: 4096, devices: ['isp'], cpu: 'none' });
    expect(kept(d)).toEqual(['system-uncached', 'system']);
    expect(rejection(d, 'system_uncached')).toMatchObject({ code: 'NOT_LISTED' });
    expect(rejection(d, 'video_system')).toMatchObject({ code: 'NOT_LISTED' });
  });

  it('a device that needs CMA and names no heap cannot be served: FAIL, with the hard reasons kept', async () => {
    const d = await decide(NAME, SOC, { size: 4096, devices: ['csi'], cpu: 'none' });
    expect(d.heap).toBeNull();
    expect(d.failure).toContain('no heap');
    expect(rejection(d, 'system')).toMatchObject({ code: 'DMA_MASK', device: 'csi' });
    expect(rejection(d, 'reserved')).toMatchObject({ code: 'NOT_LISTED' });
  });

  it('a protected request whose devices name no heap fails: AllocSystem has no protected heap', async () => {
    const d = await decide(NAME, SOC, { size: 1 << 20, devices: ['gpu'], cpu: 'none', protected: true });
    expect(d.heap).toBeNull();
    expect(rejection(d, 'protected,secure-video')).toMatchObject({ code: 'NOT_LISTED' });
    expect(rejection(d, 'system')).toMatchObject({ code: 'NOT_PROTECTED' });
  });

  it('ENOMEM on system-uncached falls back to system (libdmabufheap would return the error)', async () => {
    const plat = { ...SOC, heaps: [{ name: 'system-uncached', size: 8 << 20 }, { name: 'system' }] };
    const e = Engine.create(await policy(NAME), platform(plat));
    const a = e.allocate({ size: 6 << 20, devices: ['isp'], cpu: 'none' });
    const b = e.allocate({ size: 6 << 20, devices: ['isp'], cpu: 'none' });
    expect([a.heap, b.heap]).toEqual(['system-uncached', 'system']);
    expect(b.decision!.attempts).toEqual([{ heap: 'system-uncached', errno: 12, code: 'ENOMEM' }]);
    expect(b.decision!.name).toBe('system');
    e.dispose();
  });
});

describe('android-compat: Alloc(heap_name) when the devices name heaps', () => {
  it('the named heaps only, in device then list order, even when system memory would fit', async () => {
    const d = await decide(NAME, NAMING, { size: 1 << 20, devices: ['isp', 'disp'], cpu: 'read' });
    expect(kept(d)).toEqual(['reserved', 'cma-b']);
    expect(d.ranking.map((r) => r.code)).toEqual(['PREFERRED', 'PREFERRED']);
    expect(rejection(d, 'system')).toMatchObject({ code: 'NOT_LISTED' });
    expect(rejection(d, 'system-uncached')).toMatchObject({ code: 'NOT_LISTED' });
  });

  it('a named heap that breaks a hard constraint is rejected for it, and the next named heap is used', async () => {
    const d = await decide(NAME, NAMING, { size: 4096, devices: ['jpeg'], cpu: 'none' });
    expect(d.heap).toBe('reserved');
    expect(rejection(d, 'system')).toMatchObject({ code: 'DMA_MASK', device: 'jpeg' });
  });

  it('when no named heap can hold the buffer, the request is served as AllocSystem', async () => {
    const d = await decide(NAME, NAMING, { size: 4096, devices: ['tee-only'], cpu: 'none' });
    expect(rejection(d, 'protected,secure-video')).toMatchObject({ code: 'PROTECTED_HEAP' });
    expect(kept(d)).toEqual(['system-uncached', 'system']);
  });

  it('a protected request goes to the protected heap its device names', async () => {
    const d = await decide(NAME, NAMING, { size: 1 << 20, devices: ['tee-only'], cpu: 'none', protected: true });
    expect(d.heap).toBe('protected,secure-video');
    expect(d.ranking[0]!.code).toBe('PREFERRED');
  });

  it('Pixel 6 Pro MFC: vframe-secure for DRM frames, system-uncached for clear ones (as its driver does)', async () => {
    const p = loadPlatformFile(join(EXAMPLES, 'platforms', 'pixel6pro.json'));
    const drm = await decide(NAME, p, { size: 12441600, devices: ['mfc', 'dpu'], cpu: 'none', protected: true });
    expect(kept(drm)).toEqual(['vframe-secure']);
    expect(rejection(drm, 'vstream-secure')).toMatchObject({ code: 'NOT_LISTED' });
    const clear = await decide(NAME, p, { size: 12441600, devices: ['mfc', 'dpu'], cpu: 'none' });
    expect(kept(clear)).toEqual(['system-uncached']);
    expect(rejection(clear, 'vframe-secure')).toMatchObject({ code: 'PROTECTED_HEAP' });
  });
});

describe('android-compat: buffers named after their heap', () => {
  it('an unnamed request gets the heap\'s name through DMA_BUF_SET_NAME; a named one keeps its own', async () => {
    const e = Engine.create(await policy(NAME), platform(SOC));
    const a = e.allocate({ size: 4096, devices: ['isp'], cpu: 'none' });
    const b = e.allocate({ size: 4096, devices: ['isp'], cpu: 'read', name: 'cam0-stats' });
    expect(a.decision!.name).toBe('system-uncached');
    expect(b.decision!.name).toBe('cam0-stats');
    const backend = e.backend as ModelBackend;
    expect(backend.fdinfo(a.fd!)).toMatchObject({ expName: 'system-uncached', name: 'system-uncached' });
    expect(backend.fdinfo(b.fd!)).toMatchObject({ expName: 'system', name: 'cam0-stats' });
    e.dispose();
  });

  it('a heap name over 31 bytes is cut to 31, as libdmabufheap\'s DmabufSetName does', async () => {
    const plat = { ...SOC, heaps: [{ name: LONG, kind: 'cma', size: 64 << 20 }], devices: [{ name: 'isp', dmaMaskBits: 40, iommu: true, coherent: false, preferredHeaps: [LONG] }] };
    const d = await decide(NAME, plat, { size: 4096, devices: ['isp'], cpu: 'none' });
    expect(d.name).toBe(LONG.slice(0, 31));
  });

  it('the cut never splits a UTF-8 sequence', async () => {
    const heap = `${'x'.repeat(30)}é-pool`; // é is bytes 31-32: the cut falls inside it
    const plat = { ...SOC, heaps: [{ name: heap, kind: 'cma' }], devices: [{ name: 'isp', dmaMaskBits: 40, iommu: true, coherent: false, preferredHeaps: [heap] }] };
    const d = await decide(NAME, plat, { size: 4096, devices: ['isp'], cpu: 'none' });
    expect(d.name).toBe('x'.repeat(30));
  });

  it('no SET_NAME when nothing is placed', async () => {
    const d = await decide(NAME, SOC, { size: 4096, devices: ['csi'], cpu: 'none' });
    expect(d.name).toBeNull();
  });
});

describe('android-compat: CpuSyncStart/CpuSyncEnd around every CPU access', () => {
  async function session(plat: object = SOC) {
    const p = platform(plat);
    const e = Engine.create(await policy(NAME), p);
    const ref = new Referee(p);
    e.observe(ref);
    const syncs: string[] = [];
    e.observe({ onResult: (_ev, op, r) => { if (op.kind === 3 && r.ok) syncs.push(`${op.arg & 4 ? 'END' : 'START'}|${['', 'R', 'W', 'RW'][op.arg & 3]}`); } });
    return { e, ref, syncs };
  }

  it('every access is bracketed, consecutive ones too, as the caller of CpuSyncStart/End does', async () => {
    const { e, ref, syncs } = await session();
    const b = e.allocate({ size: 4096, devices: ['isp', 'pcie'], cpu: 'readwrite' });
    e.deviceBegin(b, 'isp', 'write'); e.deviceEnd(b, 'isp');
    e.cpuAccess(b, 'read'); e.cpuAccess(b, 'read'); e.cpuAccess(b, 'write');
    expect(syncs).toEqual(['START|R', 'END|R', 'START|R', 'END|R', 'START|W', 'END|W']);
    e.deviceBegin(b, 'pcie', 'read'); e.deviceEnd(b, 'pcie'); e.export(b); e.free(b);
    expect(syncs.length).toBe(6);
    expect(ref.violations).toEqual([]);
  });

  it('no elision on an uncached heap or with only coherent devices: the module promises libdmabufheap\'s brackets', async () => {
    const plat = { ...SOC, heaps: [{ name: 'system-uncached' }, { name: 'system' }], devices: [...SOC.devices, { name: 'wc-dev', dmaMaskBits: 64, iommu: true, coherent: true, preferredHeaps: ['system-uncached'] }] };
    const { e, ref, syncs } = await session(plat);
    const wc = e.allocate({ size: 4096, devices: ['wc-dev'], cpu: 'readwrite' });
    const coherent = e.allocate({ size: 4096, devices: ['pcie'], cpu: 'readwrite' });
    expect([wc.heap, coherent.heap]).toEqual(['system-uncached', 'system']);
    e.cpuAccess(wc, 'write'); e.cpuAccess(coherent, 'read');
    expect(syncs).toEqual(['START|W', 'END|W', 'START|R', 'END|R']);
    expect(ref.violations).toEqual([]);
    e.dispose();
  });
});

describe('android-compat: properties, examples, workloads', () => {
  itLoads(NAME);
  itFollowsItsRules(
    NAME,
    namedCaseArb(['system', 'system-uncached', 'system_uncached', 'video_system', 'linux,cma', 'vframe-secure', 'udmabuf', 'reserved', LONG]),
    androidRules,
    (_p: Platform, req, d) => { if (d.heap !== null) expect(d.name).toBe(expectedName(d.heap, req)); else expect(d.name).toBeNull(); },
  );
  itDecidesTheExamples(NAME, androidRules, {
    'pixel6pro-video-decode': 'system-uncached', 'pixel6pro-camera-preview': 'system-uncached',
    'pixel6pro-protected-playback': 'vframe-secure', 'pixel6pro-protected-cpu-read': null,
    'rpi4-camera-frame': null, 'rpi4-gpu-render-target': 'linux,cma', 'rock5b-video-decode': 'system-uncached',
    'x86-laptop-webcam-frame': 'system', 'tv-soc-svp-secure-playback': null, 'pixel6pro-gpu-upload': 'system',
  });
  itRunsTheWorkloads(NAME, true);

  it('protected playback on the Pixel 6 Pro lands in vframe-secure, named after it', async () => {
    const r = await runWorkload(NAME, 'protected-playback.json');
    expect(r.failures).toBe(0);
    expect(Object.keys(r.allocations)).toEqual(['vframe-secure']);
  });

  it('the Pi 4 camera pipeline cannot be served: its devices need CMA and name no heap (README, deviations)', async () => {
    const r = await runWorkload(NAME, 'camera-isp-display.json');
    expect(r.allocations).toEqual({});
    expect(r.failures).toBe(8);
  });

  it('decode-compose-display on the ROCK 5B: every buffer placed, every CPU access bracketed', async () => {
    const r = await runWorkload(NAME, 'decode-compose-display.json');
    expect(r.failures).toBe(0);
    expect(r.syncs.issued).toBe(r.syncs.naive);
    expect(r.syncs.issued).toBeGreaterThan(0);
  });
});
