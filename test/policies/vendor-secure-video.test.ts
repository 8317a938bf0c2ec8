// vendor-secure-video: protected video in the TEE's secure-video pool, clear video frames in the
// ECC-free carveout, other buffers kept in ECC memory, per-heap byte budgets enforced from the
// per-heap usage the host hands in, and the SDK's lazy cache-domain plan.
import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { Engine } from '../../host/engine/engine.js';
import type { AllocateRequest } from '../../host/engine/buffer.js';
import { loadPlatformFile } from '../../host/platform/parse.js';
import type { Platform } from '../../host/platform/types.js';
import { roundedSize } from '../../host/engine/rounding.js';
import { simulate } from '../../host/simulate/run.js';
import { parseWorkload } from '../../host/simulate/workload.js';
import { policy } from '../support/modules.js';
import { EXAMPLES } from '../support/platforms.js';
import {
  decide, kept, rejection, fitting, attached, byKey, namedCaseArb, itFollowsItsRules, itDecidesTheExamples,
  itRunsTheWorkloads, itLoads, type Rules,
} from './support.js';

const NAME = 'vendor-secure-video';
const MIB = 1024 * 1024;
const TV_FILE = join(EXAMPLES, 'platforms', 'tv-soc-svp.json');
const TV = loadPlatformFile(TV_FILE);
const FRAME = 12441600; // 3840x2160 NV12; 12451840 bytes once aligned to vdec's 64 KiB
const FRAME_ROUNDED = 12451840;
const NONECC = 'carveout_video-nonecc';
const SECURE = 'protected,secure-video';

/** The README's rules, restated (fresh engine: nothing allocated yet). */
const VIDEO_DEVICES = ['tsp', 'vdec', 'venc', 'vpp'];
const NON_ECC = [NONECC];
const SECURE_VIDEO = [SECURE];
const BUDGET: Record<string, number> = { [NONECC]: 48 * MIB, [SECURE]: 112 * MIB };
const vendorRules: Rules = (p, req) => {
  const devs = attached(p, req);
  const mask = devs.reduce((m, d) => m | (1n << BigInt(d.index)), 0n);
  const video = devs.some((d) => VIDEO_DEVICES.includes(d.name));
  const candidates = fitting(p, req)
    .filter((h) => video || !NON_ECC.includes(h.name))
    .filter((h) => !(h.name in BUDGET) || roundedSize(p, BigInt(req.size), mask, h.index) <= BigInt(BUDGET[h.name]!));
  const scatterOk = !devs.some((d) => d.contiguous === true || (d.contiguous === undefined && !d.iommu));
  const cpuReads = req.cpu === 'read' || req.cpu === 'readwrite';
  const list = req.protected ? SECURE_VIDEO : NON_ECC;
  const key = (h: Platform['heaps'][number]) => {
    if (list.includes(h.name)) return list.indexOf(h.name);
    for (const d of devs) { const r = d.preferredHeaps.indexOf(h.index); if (r >= 0) return 100 + d.index * 64 + r; }
    const rest = 100 + 64 * 64;
    const scarce = h.kind === 'cma' || h.kind === 'carveout';
    if (!scatterOk) return rest + (scarce ? 0 : 1);
    if (h.kind === 'system') return rest + (cpuReads ? 0 : 1);
    if (h.kind === 'system-uncached') return rest + (cpuReads ? 1 : 0);
    if (h.kind === 'udmabuf') return rest + 2;
    return rest + 10;
  };
  return byKey(candidates, key);
};

const frame = (extra: Partial<AllocateRequest> = {}): AllocateRequest => ({ size: FRAME, devices: ['vdec', 'vout'], cpu: 'none', ...extra });
const secureFrame = (): AllocateRequest => frame({ devices: ['vdec', 'vpp', 'vout'], protected: true });

describe('vendor-secure-video: where each kind of buffer goes', () => {
  it('protected video: the secure-video pool, before any other protected heap the platform lists first', async () => {
    const src = TV.source as { heaps: object[] };
    const plat = { ...src, heaps: [{ name: 'protected,trusted-ui', size: 32 * MIB, maxAddressBits: 32 }, ...src.heaps] };
    const d = await decide(NAME, plat, secureFrame());
    expect(kept(d)).toEqual([SECURE, 'protected,trusted-ui']);
    expect(d.ranking.map((r) => r.code)).toEqual(['LISTED_ORDER', 'CONTIGUOUS_NEEDED']);
    expect(rejection(d, NONECC)).toMatchObject({ code: 'NOT_PROTECTED' });
  });

  it('clear video frames: the ECC-free carveout first, ECC CMA as the fallback', async () => {
    const d = await decide(NAME, TV, frame());
    expect(kept(d)).toEqual([NONECC, 'linux,cma']);
    expect(d.ranking.map((r) => r.code)).toEqual(['LISTED_ORDER', 'CONTIGUOUS_NEEDED']);
    expect(d.size).toBe(FRAME_ROUNDED);
  });

  it('any video block makes a video buffer: a secure demux bitstream in the clear goes to the carveout too', async () => {
    const d = await decide(NAME, TV, { size: 4 * MIB, devices: ['tsp'], cpu: 'write' });
    expect(d.heap).toBe(NONECC);
  });

  it('buffers no video block touches stay in ECC memory: the carveout is not listed for them', async () => {
    const d = await decide(NAME, TV, { size: 8294400, devices: ['gpu', 'vout'], cpu: 'write' });
    expect(kept(d)).toEqual(['linux,cma']);
    expect(rejection(d, NONECC)).toMatchObject({ code: 'NOT_LISTED', device: null });
    expect(rejection(d, 'system')).toMatchObject({ code: 'NOT_CONTIGUOUS', device: 'vout' });
  });

  it('hard constraints still come first: a clear frame with CPU access cannot go to a CPU-less carveout', async () => {
    const src = TV.source as { heaps: { name: string }[] };
    const plat = { ...src, heaps: src.heaps.map((h) => (h.name === NONECC ? { ...h, cpuAccess: false } : h)) };
    const d = await decide(NAME, plat, frame({ cpu: 'read' }));
    expect(rejection(d, NONECC)).toMatchObject({ code: 'NO_CPU_ACCESS' });
    expect(d.heap).toBe('linux,cma');
  });
});

describe('vendor-secure-video: per-heap budgets', () => {
  it('at most 48 MiB of the carveout: the fifth 4K frame is over budget (though the 64 MiB carveout has room) and goes to CMA', async () => {
    const e = Engine.create(await policy(NAME), TV);
    const frames = [0, 1, 2, 3].map(() => e.allocate(frame()));
    expect(frames.map((b) => b.heap)).toEqual([NONECC, NONECC, NONECC, NONECC]);
    const fifth = e.allocate(frame());
    expect(fifth.heap).toBe('linux,cma');
    expect(fifth.decision!.attempts).toEqual([]); // rejected by the budget, not by an ENOMEM
    expect(rejection(fifth.decision!, NONECC)).toMatchObject({ code: 'OVER_BUDGET', device: null, reason: "over this policy's budget for the heap (512 KiB left)" });
    expect(4 * FRAME_ROUNDED + FRAME_ROUNDED).toBeLessThan(TV.heaps[TV.heapIndex.get(NONECC)!]!.size);
    // A smaller buffer still fits in what is left of the budget.
    expect(e.allocate({ size: 512 * 1024, devices: ['tsp'], cpu: 'none' }).heap).toBe(NONECC);
    expect(e.allocate({ size: 4096, devices: ['tsp'], cpu: 'none' }).heap).toBe('linux,cma');
    e.dispose();
  });

  it('freeing releases budget: the next frame goes back to the carveout', async () => {
    const e = Engine.create(await policy(NAME), TV);
    const frames = [0, 1, 2, 3].map(() => e.allocate(frame()));
    expect(e.allocate(frame()).heap).toBe('linux,cma');
    e.free(frames[1]!);
    expect(e.allocate(frame()).heap).toBe(NONECC);
    expect(e.allocate(frame()).heap).toBe('linux,cma');
    e.dispose();
  });

  it('at most 112 MiB of the secure pool: over budget with no other protected heap is a FAIL, until a frame is freed', async () => {
    const e = Engine.create(await policy(NAME), TV);
    const frames = Array.from({ length: 9 }, () => e.allocate(secureFrame()));
    expect(frames.every((b) => b.heap === SECURE)).toBe(true);
    const tenth = e.allocate(secureFrame());
    expect(tenth.heap).toBeNull();
    expect(tenth.decision!.failure).toContain('no heap');
    expect(rejection(tenth.decision!, SECURE)).toMatchObject({ code: 'OVER_BUDGET' });
    e.free(tenth);
    e.free(frames[0]!);
    expect(e.allocate(secureFrame()).heap).toBe(SECURE);
    e.dispose();
  });

  it('the budget counts every buffer in the heap, whatever its size, through the usage the host reports', async () => {
    const e = Engine.create(await policy(NAME), TV);
    const es = Array.from({ length: 28 }, () => e.allocate({ size: 4 * MIB, devices: ['tsp', 'vdec'], cpu: 'none', protected: true }));
    expect(es.every((b) => b.heap === SECURE)).toBe(true); // 112 MiB exactly
    expect(e.allocate({ size: 4096, devices: ['tsp'], cpu: 'none', protected: true }).heap).toBeNull();
    e.dispose();
  });

  it('a request larger than a whole budget is over budget on a fresh engine', async () => {
    const d = await decide(NAME, TV, frame({ size: 49 * MIB }));
    expect(rejection(d, NONECC)).toMatchObject({ code: 'OVER_BUDGET', reason: "over this policy's budget for the heap (49152 KiB left)" });
    expect(d.heap).toBe('linux,cma');
  });
});

describe('vendor-secure-video: a TV playback session', () => {
  const session = {
    platform: JSON.parse(JSON.stringify(TV.source)),
    setup: [
      ...[0, 1].map((i) => ({ op: 'alloc', buf: `es${i}`, size: 4 * MIB, devices: ['tsp', 'vdec'], cpu: 'none', protected: true })),
      ...[0, 1, 2, 3, 4, 5].map((i) => ({ op: 'alloc', buf: `sf${i}`, size: FRAME, devices: ['vdec', 'vpp', 'vout'], cpu: 'none', protected: true })),
      ...[0, 1, 2, 3, 4, 5].map((i) => ({ op: 'alloc', buf: `cf${i}`, size: FRAME, devices: ['vdec', 'vout'], cpu: 'none' })),
      ...[0, 1].map((i) => ({ op: 'alloc', buf: `osd${i}`, size: 8294400, devices: ['gpu', 'vout'], cpu: 'write' })),
    ],
    loop: [
      { op: 'device', buf: 'es0', device: 'tsp', access: 'write' }, { op: 'device', buf: 'es0', device: 'vdec', access: 'read' },
      { op: 'device', buf: 'sf0', device: 'vdec', access: 'write' }, { op: 'device', buf: 'sf0', device: 'vpp', access: 'readwrite' },
      { op: 'device', buf: 'sf0', device: 'vout', access: 'read' },
      { op: 'device', buf: 'cf0', device: 'vdec', access: 'write' }, { op: 'device', buf: 'cf5', device: 'vout', access: 'read' },
      { op: 'cpu', buf: 'osd0', access: 'write' }, { op: 'cpu', buf: 'osd0', access: 'write' },
      { op: 'device', buf: 'osd0', device: 'gpu', access: 'readwrite' }, { op: 'device', buf: 'osd0', device: 'vout', access: 'read' },
    ],
    iterations: 50,
  };

  it('0 referee violations; protected in the pool, four clear frames in the carveout, the rest and the OSD in CMA', async () => {
    const w = parseWorkload(session, 'tv-session.json');
    const r = simulate(w, await policy(NAME));
    expect(r.violations).toEqual([]);
    expect(r.failures).toBe(0);
    expect(r.allocations).toEqual({ [SECURE]: 8, [NONECC]: 4, 'linux,cma': 4 });
    expect(r.peakBytes[NONECC]).toBeLessThanOrEqual(48 * MIB);
    expect(r.peakBytes[SECURE]).toBeLessThanOrEqual(112 * MIB);
    // The lazy plan: one START per stretch of CPU writes, the END when the GPU takes the buffer;
    // nothing for the uncached carveout or the protected pool.
    expect(r.syncs.start).toBe(r.syncs.end);
    expect(r.syncs.naive).toBe(200);
    expect(r.syncs.issued).toBe(100);
  });
});

describe('vendor-secure-video: properties, examples, workloads', () => {
  itLoads(NAME);
  itFollowsItsRules(
    NAME,
    namedCaseArb([NONECC, SECURE, 'linux,cma', 'system', 'system-uncached', 'udmabuf', 'carveout_b', 'protected,trusted-ui', 'cma-x'], ['tsp', 'vdec', 'vpp', 'vout', 'gpu', 'isp']),
    vendorRules,
  );
  itDecidesTheExamples(NAME, vendorRules, {
    'tv-soc-svp-secure-playback': SECURE, 'tv-soc-svp-secure-bitstream': SECURE, 'tv-soc-svp-video-decode': NONECC,
    'tv-soc-svp-ui-plane': 'linux,cma', 'pixel6pro-protected-playback': 'vframe-secure', 'rockpi4-optee-secure-video': SECURE,
  });
  itRunsTheWorkloads(NAME, false);
});
