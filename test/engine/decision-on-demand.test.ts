// Decisions written on demand say exactly what the eager construction said (the old decisionFrom over the
// answer's explanations, at the time of the answer), in the same field order; and the usage the
// engine counts itself is what a backend it shares would report, event for event.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OpKind, ReasonName } from '../../host/abi/generated.js';
import { ModelBackend } from '../../host/backend/model.js';
import type { Attempt, Decision } from '../../host/engine/decision.js';
import { referenceDecisionFrom } from './reference-decision.js';
import { Engine } from '../../host/engine/engine.js';
import { roundedSize } from '../../host/engine/rounding.js';
import { placementCaseArb } from '../support/arbitraries.js';
import { policy } from '../support/modules.js';
import { platform } from '../support/platforms.js';

describe('decision on demand', () => {
  it('equals the decision built eagerly from the answer, field order included', async () => {
    const mod = await policy('default');
    fc.assert(fc.property(placementCaseArb, fc.boolean(), ({ platform: pj, request }, readLate) => {
      const p = platform(pj);
      const e = Engine.create(mod, p, { fallback: null });
      const attempts: Attempt[] = [];
      let eager: Decision | null = null;
      e.observe({
        onAnswer: (ev, out) => {
          if (ev.kind !== 1 || ev.buf !== 1) return;
          const d = referenceDecisionFrom(p, out.explains, e.policy, (h) => roundedSize(p, ev.size, ev.devices, h), (c) => ReasonName[c] ?? String(c));
          const first = out.ops[0]!;
          eager = first.kind === OpKind.FAIL
            ? { heap: null, fallbacks: [], size: 0, fdFlags: 0, name: null, rejected: d.rejected, policy: d.policy, ranking: [], attempts, failure: d.failure ?? `no heap fits (${ReasonName[first.arg] ?? first.arg})` }
            : { heap: p.heaps[first.heap]!.name, fallbacks: d.fallbacks, size: Number(first.value), fdFlags: first.arg, name: out.ops[1]?.name ?? null, rejected: d.rejected, policy: d.policy, ranking: d.ranking, attempts, failure: null };
        },
      });
      const b = e.allocate({ ...request, name: 'frame' });
      // Later events and a second buffer must not change what the first decision says.
      if (readLate && b.placed) {
        e.deviceBegin(b, request.devices[0]!, 'read');
        e.deviceEnd(b, request.devices[0]!);
        e.allocate({ ...request, size: request.size + 4096 });
      }
      expect(JSON.stringify(b.decision)).toBe(JSON.stringify(eager));
      expect(b.decision).toBe(b.decision);
      e.dispose();
    }), { numRuns: 300 });
  });

  it('usage counted by the engine equals a shared backend\'s, on every PLACE', async () => {
    const mod = await policy('default');
    const step = fc.oneof(fc.record({ alloc: fc.integer({ min: 1, max: 64 << 20 }), dev: fc.nat({ max: 5 }) }), fc.record({ free: fc.nat({ max: 20 }) }));
    fc.assert(fc.property(placementCaseArb, fc.array(step, { maxLength: 30 }), ({ platform: pj }, steps) => {
      const p = platform(pj);
      const own = Engine.create(mod, p, { fallback: null });
      const shared = Engine.create(mod, p, { fallback: null, backend: new ModelBackend() });
      const usage: string[][] = [[], []];
      [own, shared].forEach((e, k) => e.observe({ onAnswer: (ev) => { if (ev.usage) usage[k]!.push(ev.usage.join(',')); } }));
      for (const s of steps) {
        for (const e of [own, shared]) {
          if ('alloc' in s) {
            try { e.allocate({ size: s.alloc, devices: [`dev${s.dev % p.devices.length}`] }); } catch { /* unplaceable: nothing allocated */ }
          } else {
            const live = e.liveBuffers();
            if (live.length) e.free(live[s.free % live.length]!);
          }
        }
      }
      expect(usage[0]).toEqual(usage[1]);
      own.dispose();
      shared.dispose();
    }), { numRuns: 150 });
  });
});
