/// <reference lib="deno.ns" />
// Cross-host determinism of single decisions: every example request on its example platform,
// decided by Deno in-process and by Node on the same sources, must give equal decisions.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import type { Decision } from '../../bindings/deno/mod.ts';
import { at, DEFAULT_POLICY, ensurePolicies, NAIVE_POLICY } from './checkout.ts';
import { asJson, underNode } from './node_host.ts';
import { decideAll, examplePairs } from './scenarios/decisions.ts';
import { readPolicy } from './scenarios/policy_input.ts';

await ensurePolicies();

const pairs = examplePairs(at('examples'));

Deno.test('every example request is paired with its example platform', () => {
  const requests = readdirSync(at('examples/requests')).filter((f) => f.endsWith('.json'));
  assert.ok(requests.length > 0, 'examples/requests holds no request');
  assert.equal(pairs.length, requests.length);
});

for (const [name, policy] of [['default', DEFAULT_POLICY], ['naive', NAIVE_POLICY]] as const) {
  Deno.test(`${name} policy: Deno decides every example request exactly as Node does`, async () => {
    const input = { policy: readPolicy(policy), pairs };
    const [deno, node] = await Promise.all([decideAll(input), underNode<Record<string, Decision>>('test/deno/scenarios/decisions.ts', 'decideAll', input)]);
    assert.deepEqual(Object.keys(deno), pairs.map((p) => p.request));
    for (const d of Object.values(deno)) assert.equal(d.policy.name, name);
    assert.deepEqual(asJson(deno), node);
  });
}
