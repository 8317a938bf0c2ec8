// Property: over random platforms and requests, the chosen heap and every fallback satisfy
// every hard constraint of every device, and a null heap means no heap satisfies them.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Engine } from '../../host/engine/engine.js';
import { PolicyModule } from '../../host/module/policy-module.js';
import { policy } from '../support/modules.js';
import { platform } from '../support/platforms.js';
import { placementCaseArb } from '../support/arbitraries.js';
import { violatedConstraint } from '../../host/authoring/hard-constraints.js';

describe('default policy placement properties', () => {
  it('chosen and fallbacks satisfy every hard constraint; null only when nothing does', async () => {
    const mod: PolicyModule = await policy('default');
    fc.assert(
      fc.property(placementCaseArb, ({ platform: pj, request }) => {
        const p = platform(pj);
        const e = Engine.create(mod, p);
        const d = e.allocate(request).decision!;
        e.dispose();
        const ok = p.heaps.filter((h) => violatedConstraint(p, request, h) === null).map((h) => h.name);
        if (d.heap === null) {
          expect(ok).toEqual([]);
        } else {
          for (const h of [d.heap, ...d.fallbacks]) expect(violatedConstraint(p, request, p.heaps[p.heapIndex.get(h)!]!), h).toBeNull();
          // Every heap that satisfies the constraints is kept; every other one is rejected with a reason.
          expect(new Set([d.heap, ...d.fallbacks])).toEqual(new Set(ok));
        }
        expect(d.rejected.map((r) => r.heap).sort()).toEqual(p.heaps.map((h) => h.name).filter((n) => !ok.includes(n)).sort());
        for (const r of d.rejected) expect(r.reason.length).toBeGreaterThan(10);
      }),
      { numRuns: 400 },
    );
  });
});
