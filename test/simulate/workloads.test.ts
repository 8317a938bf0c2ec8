// The bundled workloads through default, naive and the broken module; deferred placement.
import { describe, it, expect } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '../../host/simulate/run.js';
import { loadWorkloadFile, parseWorkload } from '../../host/simulate/workload.js';
import { Engine } from '../../host/engine/engine.js';
import { InputError } from '../../host/errors.js';
import { policy } from '../support/modules.js';
import { EXAMPLES, platform, SOC } from '../support/platforms.js';
import { heapwise } from '../support/cli.js';

const workloads = readdirSync(join(EXAMPLES, 'workloads')).filter((f) => f.endsWith('.json')).sort();

describe('bundled workloads', () => {
  it('cover the six scenarios of the issue', () => {
    for (const w of ['camera-isp-display', 'decode-compose-display', 'software-render', 'export-midstream', 'protected-playback', 'cma-exhaustion']) {
      expect(workloads).toContain(`${w}.json`);
    }
  });

  it.each(workloads)('%s: default has 0 violations and at most half of naive\'s syncs', async (file) => {
    const w = loadWorkloadFile(join(EXAMPLES, 'workloads', file));
    const d = simulate(w, await policy('default'));
    const n = simulate(w, await policy('naive'));
    expect(d.violations).toEqual([]);
    expect(n.violations).toEqual([]);
    expect(n.syncs.issued).toBe(n.syncs.naive);
    expect(d.syncs.naive).toBe(n.syncs.naive);
    expect(d.syncs.issued * 2).toBeLessThanOrEqual(d.syncs.naive);
    expect(d.syncs.start).toBe(d.syncs.end);
    expect(d.events).toBe(w.length);
  });

  it('CMA exhaustion falls back to system memory and reports the failure that cannot fall back', async () => {
    const r = simulate(loadWorkloadFile(join(EXAMPLES, 'workloads', 'cma-exhaustion.json')), await policy('default'));
    expect(r.fallbacksUsed).toBeGreaterThanOrEqual(1);
    expect(r.failures).toBeGreaterThanOrEqual(1);
    expect(r.allocations.system).toBeGreaterThanOrEqual(1);
  });

  it('the broken module is caught on the camera workload, and simulate exits 4', () => {
    const r = heapwise(['simulate', '--workload', 'examples/workloads/camera-isp-display.json', '--policy', 'test/fixtures/policies/broken/build/broken.wasm', '--json']);
    expect(r.code).toBe(4);
    const rep = JSON.parse(r.stdout);
    expect(rep.violations.length).toBeGreaterThan(0);
    expect(rep.violations[0]).toMatchObject({ kind: 'stale-read', buf: expect.stringMatching(/^yuv/) });
    expect(typeof rep.violations[0].event).toBe('number');
  });

  it('simulate prints a readable summary and exits 0 with no violations', () => {
    const r = heapwise(['simulate', '--workload', 'examples/workloads/software-render.json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/syncs issued\s+│?\s*1200 \(600 START, 600 END\)/);
    expect(r.stdout).toMatch(/naive syncs\s+│?\s*3600/);
  });
});

describe('bad workloads (exit 2, file and event index named)', () => {
  const base = { platform: SOC };
  it.each([
    [{ ...base, setup: [{ op: 'cpu', buf: 'a', access: 'read' }] }, /at \/setup\/0\/buf: event 0 \(cpu "a"\): unknown buffer id/],
    [{ ...base, setup: [{ op: 'alloc', buf: 'a', size: 4096, devices: ['isp'], cpu: 'read' }, { op: 'free', buf: 'a' }, { op: 'cpu', buf: 'a', access: 'read' }] }, /event 2 \(cpu "a"\): use after free/],
    [{ ...base, setup: [{ op: 'alloc', buf: 'a', size: 4096, devices: ['isp', 'tpu'], cpu: 'read' }] }, /\/setup\/0\/devices\/1: .*device "tpu" is not on platform soc/],
    [{ ...base, setup: [{ op: 'alloc', buf: 'a', size: 4096, devices: ['isp'], cpu: 'read' }, { op: 'device', buf: 'a', device: 'gpu', access: 'read' }] }, /device "gpu" is not attached/],
    [{ ...base, setup: [{ op: 'teleport', buf: 'a' }] }, /\/setup\/0\/op: unknown op "teleport"/],
    [{ ...base, loop: [{ op: 'alloc', buf: 'a', size: 4096, devices: ['isp'], cpu: 'read' }], iterations: 2 }, /\/loop\/0\/buf: event 1 \(alloc "a"\): buffer id already allocated/],
  ])('%#', (json, msg) => {
    let err: unknown;
    try { parseWorkload(json, 'w.json'); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/^w\.json/);
    expect((err as Error).message).toMatch(msg);
  });

  it('the CLI exits 2 on a bad workload and prints nothing on stdout', () => {
    const r = heapwise(['simulate', '--workload', 'package.json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('package.json');
  });
});

describe('deferred placement', () => {
  it('a buffer attached to three devices before first use is placed from all three', async () => {
    const mod = await policy('default');
    const early = Engine.create(mod, platform(SOC));
    expect(early.allocate({ size: 70000, devices: ['isp'], cpu: 'read' }).heap).toBe('system');
    const e = Engine.create(mod, platform(SOC));
    const b = e.allocate({ size: 70000, devices: ['isp'], cpu: 'read', deferred: true });
    expect(b.heap).toBeNull();
    e.attach(b, 'gpu');
    e.attach(b, 'csi');
    e.attach(b, 'vpu');
    expect(b.heap).toBeNull();
    e.deviceBegin(b, 'csi', 'write');
    expect(b.heap).toBe('reserved');
    expect(b.size).toBe(131072n); // vpu's 64 KiB alignment
    expect(b.decision!.rejected.find((r) => r.heap === 'system')).toMatchObject({ device: 'csi', code: 'DMA_MASK' });
    e.deviceEnd(b, 'csi');
    e.free(b);
  });

  it('the bundled deferred workload lands where the union of devices puts it', async () => {
    const r = simulate(loadWorkloadFile(join(EXAMPLES, 'workloads', 'deferred-placement.json')), await policy('default'));
    expect(Object.keys(r.allocations)).toEqual(['system-uncached-dma32']);
  });
});
