/// <reference lib="deno.ns" />
// Workload simulation under Deno with the coherency referee: the default policy keeps every
// workload coherent, the broken test policy does not, and Node reports the same for both.
import assert from 'node:assert/strict';
import type { SimulationReport } from '../../bindings/deno/mod.ts';
import { at, BROKEN_POLICY, DEFAULT_POLICY, ensurePolicies, workloadFiles } from './checkout.ts';
import { asJson, underNode } from './node_host.ts';
import { readPolicy } from './scenarios/policy_input.ts';
import { simulateAll } from './scenarios/simulation.ts';

await ensurePolicies();

const workloads = workloadFiles();
const STALE_READ = at('test/deno/fixtures/workloads/stale-read.json');

async function bothHosts(policy: string): Promise<{ deno: SimulationReport[]; node: SimulationReport[] }> {
  const input = { policy: readPolicy(policy), workloads };
  const [deno, node] = await Promise.all([simulateAll(input), underNode<SimulationReport[]>('test/deno/scenarios/simulation.ts', 'simulateAll', input)]);
  return { deno, node };
}

Deno.test('default policy: every workload runs to the end with 0 coherency violations, as under Node', async () => {
  assert.ok(workloads.includes(STALE_READ));
  const { deno, node } = await bothHosts(DEFAULT_POLICY);
  assert.equal(deno.length, workloads.length);
  for (const r of deno) {
    assert.deepEqual(r.violations, [], `${r.workload}: ${JSON.stringify(r.violations.slice(0, 3))}`);
    assert.ok(r.events > 0, `${r.workload} ran no event`);
    assert.equal(r.backend, 'model');
  }
  assert.deepEqual(asJson(deno), node);
});

Deno.test('broken policy: the referee reports its stale reads, the same ones as under Node', async () => {
  const { deno, node } = await bothHosts(BROKEN_POLICY);
  const stale = deno.find((r) => r.workload === STALE_READ)!;
  assert.ok(stale.violations.length > 0, 'the stale-read fixture must catch the broken policy');
  assert.ok(stale.violations.every((v) => v.kind === 'stale-read'), JSON.stringify(stale.violations.slice(0, 3)));
  assert.deepEqual(asJson(deno), node);
});
