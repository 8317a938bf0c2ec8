// diff re-derives the host results that depend on the policy: on cma-exhaustion, android-compat
// places differently from default (its CMA runs out at another point), so a side whose ENOMEMs
// were copied from the recording (made with default) could not match android-compat's own run.
import { describe, it, expect } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { heapwise } from '../support/cli.js';
import { diff } from '../../host/trace/diff.js';
import { policy } from '../support/modules.js';
import { simulate } from '../../host/simulate/run.js';
import { loadWorkloadFile } from '../../host/simulate/workload.js';

const WORKLOAD = 'examples/workloads/cma-exhaustion.json';

describe('diff re-derives results on the model backend', () => {
  it('each side matches a fresh simulation of its own policy, and the two sides differ', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'hw-rederive-')), 'cma.jsonl');
    const r = heapwise(['simulate', '--workload', WORKLOAD, '--policy', 'default', '--record', file]);
    expect(r.code, r.stderr).toBe(0);
    const [a, b] = [await policy('default'), await policy('android-compat')];
    const rep = await diff(file, a, b);
    const own = [simulate(loadWorkloadFile(WORKLOAD), a), simulate(loadWorkloadFile(WORKLOAD), b)];
    rep.sides.forEach((side, k) => {
      expect(side.failures).toBe(own[k]!.failures);
      expect(side.fallbacksUsed).toBe(own[k]!.fallbacksUsed);
      expect(side.allocations).toEqual(own[k]!.allocations);
    });
    // The policies disagree on this workload, so re-derivation is visible.
    expect(own[0]!.failures).not.toBe(own[1]!.failures);
    expect(rep.sides[0].fallbacksUsed).toBeGreaterThan(0);
  });
});
