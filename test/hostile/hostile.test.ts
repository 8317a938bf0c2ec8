// The hostile-module corpus in the Node host: each module is contained with a clear error, no
// hang (fuel), no fd leak, and the engine keeps serving on the fallback policy.
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PolicyModule } from '../../host/module/policy-module.js';
import { Engine, type EngineObserver } from '../../host/engine/engine.js';
import { ModelBackend } from '../../host/backend/model.js';
import { PolicyRefusedError, PolicyFaultError } from '../../host/errors.js';
import { policy, wat } from '../support/modules.js';
import { platform } from '../support/platforms.js';

const DIR = import.meta.dirname;
const expectations = JSON.parse(readFileSync(join(DIR, 'expectations.json'), 'utf8')) as Record<string, { phase: string; fault?: string; message: string; afterPlace?: boolean }>;
const files = readdirSync(DIR).filter((f) => f.endsWith('.wat')).sort();
const PLATFORM = { name: 'hostile', heaps: [{ name: 'system' }, { name: 'reserved', size: 1 << 26 }], devices: [{ name: 'gpu', dmaMaskBits: 40, iommu: true, coherent: false }] };

describe('hostile-module corpus', () => {
  it('every module has an expectation and every expectation a module', () => {
    expect(files.map((f) => f.replace(/\.wat$/, ''))).toEqual(Object.keys(expectations).filter((k) => k !== '$comment').sort());
  });

  it.each(files)('%s is contained', async (file) => {
    const name = file.replace(/\.wat$/, '');
    const exp = expectations[name]!;
    const bytes = wat(readFileSync(join(DIR, file), 'utf8'));
    const label = `test/hostile/${file}`;
    if (exp.phase === 'load') {
      const err = await PolicyModule.compile(bytes, { label }).then((m) => Engine.create(m, platform(PLATFORM))).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(PolicyRefusedError);
      expect((err as Error).message).toContain(label);
      expect((err as Error).message).toMatch(new RegExp(exp.message));
      return;
    }
    const backend = new ModelBackend();
    const engine = Engine.create(await PolicyModule.compile(bytes, { label, fuel: 1_000_000 }), platform(PLATFORM), { backend, fallback: await policy('default') });
    const faults: PolicyFaultError[] = [];
    const swaps: string[] = [];
    engine.observe({ onFault: (_e, f) => faults.push(f), onSwap: (s) => swaps.push(`${s.reason}:${s.to.name}`) } satisfies EngineObserver);
    const b = engine.allocate({ size: 100_000, devices: ['gpu'], cpu: 'read' });
    if (exp.afterPlace) engine.cpuAccess(b, 'read');
    expect(faults).toHaveLength(1);
    expect(faults[0]!.kind).toBe(exp.fault);
    expect(faults[0]!.message).toContain(label);
    expect(faults[0]!.message).toMatch(new RegExp(exp.message));
    expect(swaps).toEqual(['fault:default']);
    // Keeps serving on the fallback, and nothing leaks.
    expect(b.placed).toBe(true);
    const c = engine.allocate({ size: 4096, devices: ['gpu'], cpu: 'write' });
    engine.cpuAccess(c, 'write');
    engine.dispose();
    expect(backend.openFds()).toBe(0);
    expect(engine.swaps).toHaveLength(1);
  });

  it('the memory bomb cannot grow past its declared maximum', async () => {
    const m = await PolicyModule.compile(wat(readFileSync(join(DIR, 'memory-bomb.wat'), 'utf8')), { label: 'bomb' });
    const e = Engine.create(m, platform(PLATFORM), { fallback: null });
    expect(() => e.allocate({ size: 4096, devices: ['gpu'], cpu: 'none' })).toThrow(/status -1/);
    const inst = (e as unknown as { inst: { dv: DataView } }).inst;
    expect(inst.dv.byteLength).toBe(16 * 65536);
  });

  it('fuel stops an infinite loop after exactly the budget, every time', async () => {
    const m = await PolicyModule.compile(wat(readFileSync(join(DIR, 'infinite-loop.wat'), 'utf8')), { label: 'loop', fuel: 12345 });
    for (let k = 0; k < 3; k++) {
      const e = Engine.create(m, platform(PLATFORM), { fallback: null });
      let err: unknown;
      try { e.allocate({ size: 4096, devices: ['gpu'], cpu: 'none' }); } catch (x) { err = x; }
      expect(err).toBeInstanceOf(PolicyFaultError);
      expect((err as PolicyFaultError).kind).toBe('fuel');
      expect((err as Error).message).toContain('budget of 12345 units exhausted');
    }
  });
});
