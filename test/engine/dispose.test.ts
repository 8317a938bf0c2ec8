// After dispose() every Engine method throws UsageError "engine disposed", on any backend;
// dispose itself may be called again.
import { describe, it, expect } from 'vitest';
import { Engine } from '../../host/engine/engine.js';
import { UsageError } from '../../host/errors.js';
import { ModelBackend } from '../../host/backend/model.js';
import { loadPlatformFile } from '../../host/platform/parse.js';
import { policy } from '../support/modules.js';

const platform = () => loadPlatformFile('examples/platforms/rpi4.json');

/** A backend that, like the kernel ones, throws a plain Error once disposed. */
class StrictBackend extends ModelBackend {
  disposals = 0;
  private gone = false;
  private check(): void {
    if (this.gone) throw new Error('StrictBackend: backend already disposed');
  }
  override alloc(...a: Parameters<ModelBackend['alloc']>) { this.check(); return super.alloc(...a); }
  override sync(...a: Parameters<ModelBackend['sync']>) { this.check(); return super.sync(...a); }
  override setName(...a: Parameters<ModelBackend['setName']>) { this.check(); return super.setName(...a); }
  override cpuAccess(...a: Parameters<ModelBackend['cpuAccess']>) { this.check(); return super.cpuAccess(...a); }
  override close(...a: Parameters<ModelBackend['close']>) { this.check(); return super.close(...a); }
  override usage(...a: Parameters<ModelBackend['usage']>) { this.check(); return super.usage(...a); }
  override dispose(): void {
    this.disposals++;
    this.gone = true;
    super.dispose();
  }
}

describe('Engine after dispose', () => {
  for (const [name, make] of [['model', () => undefined], ['strict (kernel-like)', () => new StrictBackend()]] as const) {
    it(`${name} backend: every method throws UsageError "engine disposed"`, async () => {
      const backend = make();
      const e = Engine.create(await policy('default'), platform(), backend ? { backend } : {});
      const kept = e.allocate({ size: 1 << 20, devices: ['isp'], cpu: 'readwrite' });
      const id = kept.id;
      e.dispose();
      const calls: [string, () => unknown][] = [
        ['allocate', () => e.allocate({ size: 1 << 20, devices: ['isp'] })],
        ['attach', () => e.attach(id, 'isp')],
        ['deviceBegin', () => e.deviceBegin(id, 'isp', 'read')],
        ['deviceEnd', () => e.deviceEnd(id, 'isp')],
        ['cpuBegin', () => e.cpuBegin(id, 'read')],
        ['cpuEnd', () => e.cpuEnd(id)],
        ['cpuAccess', () => e.cpuAccess(kept, 'read')],
        ['export', () => e.export(id)],
        ['free', () => e.free(kept)],
        ['place', () => e.place(id)],
        ['buffer', () => e.buffer(id)],
        ['liveBuffers', () => e.liveBuffers()],
        ['observe', () => e.observe({})],
        ['swapPolicy', () => e.swapPolicy(e.module)],
      ];
      for (const [what, call] of calls) {
        let err: unknown;
        try { call(); } catch (x) { err = x; }
        expect(err, what).toBeInstanceOf(UsageError);
        expect((err as Error).message, what).toBe('engine disposed');
      }
      expect(e.isDisposed).toBe(true);
      expect(() => e.dispose()).not.toThrow();
      if (backend) expect(backend.disposals).toBe(1);
    });
  }

  it('dispose frees live buffers once, and the engine reads as before until then', async () => {
    const e = Engine.create(await policy('default'), platform());
    const b = e.allocate({ size: 1 << 20, devices: ['isp'] });
    e.cpuBegin(b, 'read');
    expect(e.isDisposed).toBe(false);
    e.dispose();
    expect(b.freed).toBe(true);
    expect(e.events).toBeGreaterThan(0);
  });
});
