// Hot swap: between decisions, live buffers keep their placement and domain state.
import { describe, it, expect } from 'vitest';
import { Engine } from '../../host/engine/engine.js';
import { Referee } from '../../host/referee/coherency.js';
import { policy } from '../support/modules.js';
import { platform, SOC } from '../support/platforms.js';

describe('swapPolicy', () => {
  it('carries placement and the open CPU-domain START over to the new module', async () => {
    const p = platform(SOC);
    const e = Engine.create(await policy('default'), p);
    const ref = new Referee(p);
    e.observe(ref);
    const syncs: string[] = [];
    e.observe({ onResult: (_ev, op, r) => { if (op.kind === 3 && r.ok) syncs.push(`${op.arg & 4 ? 'END' : 'START'}|${op.arg & 3}`); } });
    const b = e.allocate({ size: 4096, devices: ['isp'], cpu: 'read' });
    e.deviceBegin(b, 'isp', 'write'); e.deviceEnd(b, 'isp');
    e.cpuAccess(b, 'read');
    expect(syncs).toEqual(['START|1']);
    const swaps: string[] = [];
    e.observe({ onSwap: (s) => swaps.push(`${s.reason} ${s.from.name}->${s.to.name} at ${s.atEvent}`) });
    e.swapPolicy(await policy('naive'));
    expect(e.policy.name).toBe('naive');
    expect(b.heap).toBe('system');
    // naive closes the START the default left open (BufferState.openStart), then brackets.
    e.free(b);
    expect(syncs).toEqual(['START|1', 'END|1']);
    expect(ref.violations).toEqual([]);
    expect(swaps).toEqual([`explicit default->naive at ${e.events - 1}`]);
  });

  it('new allocations after a swap follow the new module', async () => {
    const e = Engine.create(await policy('default'), platform(SOC));
    const a = e.allocate({ size: 4096, devices: ['isp'], cpu: 'write' });
    e.swapPolicy(await policy('naive'));
    const b = e.allocate({ size: 4096, devices: ['isp'], cpu: 'write' });
    e.cpuAccess(b, 'write');
    expect([a.heap, b.heap]).toEqual(['system-uncached', 'system-uncached']);
    expect(b.decision!.policy.name).toBe('naive');
    e.dispose();
  });
});
