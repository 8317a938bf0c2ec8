// The referee judges emitted syncs: each violation kind on a hand-written sequence, using
// policies whose behaviour is known (naive brackets everything; broken skips read STARTs).
import { describe, it, expect } from 'vitest';
import { Engine } from '../../host/engine/engine.js';
import { Referee } from '../../host/referee/coherency.js';
import { policy } from '../support/modules.js';
import { platform, SOC } from '../support/platforms.js';
import type { PolicyModule } from '../../host/module/policy-module.js';

async function session(name: string, plat: object = SOC) {
  const p = platform(plat);
  const e = Engine.create((await policy(name)) as PolicyModule, p);
  const ref = new Referee(p);
  e.observe(ref);
  const syncs: string[] = [];
  e.observe({ onResult: (_ev, op, r) => { if (op.kind === 3 && r.ok) syncs.push(`${op.arg & 4 ? 'END' : 'START'}|${['', 'R', 'W', 'RW'][op.arg & 3]}`); } });
  return { e, ref, syncs };
}

describe('coherency referee', () => {
  it('catches a CPU read of stale lines after a non-coherent device write (broken module)', async () => {
    const { e, ref } = await session('broken');
    const b = e.allocate({ size: 4096, devices: ['isp'], cpu: 'read' });
    e.deviceBegin(b, 'isp', 'write'); e.deviceEnd(b, 'isp');
    e.cpuAccess(b, 'read');
    expect(ref.violations).toEqual([expect.objectContaining({ kind: 'stale-read', buf: 1 })]);
  });

  it('accepts naive bracketing on every kind of sequence', async () => {
    const { e, ref } = await session('naive');
    const b = e.allocate({ size: 4096, devices: ['isp', 'pcie'], cpu: 'readwrite' });
    e.cpuAccess(b, 'write'); e.deviceBegin(b, 'isp', 'readwrite'); e.deviceEnd(b, 'isp');
    e.cpuAccess(b, 'read'); e.cpuAccess(b, 'readwrite'); e.export(b); e.cpuAccess(b, 'read');
    e.deviceBegin(b, 'pcie', 'write'); e.deviceEnd(b, 'pcie'); e.free(b);
    expect(ref.violations).toEqual([]);
  });

  it('default: one START for consecutive CPU accesses, END lazily at the device, none for device hand-offs', async () => {
    const { e, ref, syncs } = await session('default');
    const b = e.allocate({ size: 4096, devices: ['isp', 'gpu'], cpu: 'read' });
    e.deviceBegin(b, 'isp', 'write'); e.deviceEnd(b, 'isp');
    e.cpuAccess(b, 'read'); e.cpuAccess(b, 'read'); e.cpuAccess(b, 'read');
    expect(syncs).toEqual(['START|R']);
    e.deviceBegin(b, 'gpu', 'read'); e.deviceEnd(b, 'gpu');
    e.deviceBegin(b, 'isp', 'write'); e.deviceEnd(b, 'isp');
    expect(syncs).toEqual(['START|R', 'END|R']);
    e.cpuAccess(b, 'read'); e.cpuAccess(b, 'write');
    expect(syncs).toEqual(['START|R', 'END|R', 'START|R', 'END|R', 'START|RW']);
    e.free(b);
    expect(syncs.at(-1)).toBe('END|RW');
    expect(ref.violations).toEqual([]);
  });

  it('default: no brackets on an uncached heap or when every attached device is coherent', async () => {
    const { e, ref, syncs } = await session('default');
    const wc = e.allocate({ size: 4096, devices: ['isp'], cpu: 'write' });
    expect(wc.heap).toBe('system-uncached');
    e.cpuAccess(wc, 'write'); e.deviceBegin(wc, 'isp', 'read'); e.deviceEnd(wc, 'isp');
    const coh = e.allocate({ size: 4096, devices: ['pcie'], cpu: 'read' });
    expect(coh.heap).toBe('system');
    e.cpuAccess(coh, 'read'); e.deviceBegin(coh, 'pcie', 'write'); e.deviceEnd(coh, 'pcie'); e.cpuAccess(coh, 'read');
    expect(syncs).toEqual([]);
    expect(ref.violations).toEqual([]);
  });

  it('default: a non-coherent device attached later gets the CPU writes cleaned first', async () => {
    const { e, ref, syncs } = await session('default');
    const b = e.allocate({ size: 4096, devices: ['pcie'], cpu: 'readwrite' });
    e.cpuAccess(b, 'write');
    expect(syncs).toEqual([]);
    e.attach(b, 'isp');
    e.deviceBegin(b, 'isp', 'read'); e.deviceEnd(b, 'isp');
    expect(syncs).toEqual(['START|W', 'END|W']);
    expect(ref.violations).toEqual([]);
  });

  it('default: after export, every CPU access is bracketed', async () => {
    const { e, ref, syncs } = await session('default');
    const b = e.allocate({ size: 4096, devices: ['pcie'], cpu: 'read' });
    e.cpuAccess(b, 'read');
    e.export(b);
    e.cpuAccess(b, 'read'); e.cpuAccess(b, 'read');
    expect(syncs).toEqual(['START|R', 'END|R', 'START|R', 'END|R']);
    expect(ref.violations).toEqual([]);
  });
});
