// Properties over random platforms and random valid event sequences: the default policy makes
// no violations and never issues more syncs than naive; the broken module is always caught on
// sequences that need the START it skips.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { simulate } from '../../host/simulate/run.js';
import { parseWorkload, type WorkloadEvent } from '../../host/simulate/workload.js';
import { policy } from '../support/modules.js';
import { platformArb, cpuArb } from '../support/arbitraries.js';

type Step = { kind: number; buf: number; dev: number; access: number; cpu: number; deferred: boolean; devs: number[] };
const stepArb = fc.record({
  kind: fc.integer({ min: 0, max: 9 }), buf: fc.nat(3), dev: fc.nat(5), access: fc.integer({ min: 1, max: 3 }),
  cpu: fc.integer({ min: 0, max: 3 }), deferred: fc.boolean(), devs: fc.uniqueArray(fc.nat(5), { minLength: 1, maxLength: 3 }),
});
const ACC = ['none', 'read', 'write', 'readwrite'] as const;

/** Turns random steps into a valid event sequence on a platform with `n` devices. */
function events(steps: Step[], n: number, closeAll = true): WorkloadEvent[] {
  const live = new Map<number, { devs: Set<number>; cpu: number }>();
  const out: WorkloadEvent[] = [];
  for (const s of steps) {
    const id = `b${s.buf}`;
    const b = live.get(s.buf);
    if (!b) {
      const devs = [...new Set(s.devs.map((d) => d % n))];
      live.set(s.buf, { devs: new Set(devs), cpu: s.cpu });
      out.push({ op: 'alloc', buf: id, size: 4096 * (1 + s.dev), devices: devs.map((d) => `dev${d}`), cpu: ACC[s.cpu]!, deferred: s.deferred });
      continue;
    }
    const d = s.dev % n;
    if (s.kind <= 2 && b.devs.has(d)) out.push({ op: 'device', buf: id, device: `dev${d}`, access: ACC[s.access] as 'read' });
    else if (s.kind <= 5 && b.cpu !== 0) out.push({ op: 'cpu', buf: id, access: ACC[s.access] as 'read' });
    else if (s.kind === 6) { b.devs.add(d); out.push({ op: 'attach', buf: id, device: `dev${d}` }); }
    else if (s.kind === 7) out.push({ op: 'export', buf: id });
    else if (s.kind === 8) { live.delete(s.buf); out.push({ op: 'free', buf: id }); }
  }
  if (closeAll) for (const k of live.keys()) out.push({ op: 'free', buf: `b${k}` });
  return out;
}

describe('sync planning properties', () => {
  it('default: 0 violations and never more syncs than naive', async () => {
    const def = await policy('default');
    const naive = await policy('naive');
    fc.assert(
      fc.property(platformArb, fc.array(stepArb, { minLength: 1, maxLength: 60 }), (p, steps) => {
        const w = parseWorkload({ platform: p, setup: events(steps, p.devices.length) }, 'random.json');
        const d = simulate(w, def);
        const n = simulate(w, naive);
        expect(d.violations).toEqual([]);
        expect(n.violations).toEqual([]);
        expect(d.syncs.issued).toBeLessThanOrEqual(n.syncs.issued);
        expect(d.syncs.start).toBe(d.syncs.end);
      }),
      { numRuns: 300 },
    );
  });

  it('broken: always caught when a non-coherent device write is followed by a CPU read', async () => {
    const broken = await policy('broken');
    fc.assert(
      fc.property(platformArb, fc.array(stepArb, { maxLength: 30 }), cpuArb, (p, steps, _cpu) => {
        // Only cached heaps that the device can use, and device 0 non-coherent: the read needs its START.
        const plat = {
          ...p,
          heaps: [{ name: 'system', kind: 'system' }, { name: 'cma0', kind: 'cma', cached: true }],
          devices: p.devices.map((d, i) => (i === 0 ? { ...d, iommu: true, coherent: false, protected: false } : d)).map(({ preferredHeaps: _p, ...d }) => d),
        };
        const seq = events(steps, plat.devices.length, false);
        seq.push({ op: 'alloc', buf: 'x', size: 4096, devices: ['dev0'], cpu: 'read' });
        seq.push({ op: 'device', buf: 'x', device: 'dev0', access: 'write' });
        seq.push({ op: 'cpu', buf: 'x', access: 'read' });
        const r = simulate(parseWorkload({ platform: plat, setup: seq }, 'random.json'), broken);
        expect(r.violations.some((v) => v.kind === 'stale-read' && v.buf === 'x')).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
