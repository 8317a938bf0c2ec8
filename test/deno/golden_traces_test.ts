/// <reference lib="deno.ns" />
// The golden traces of test/traces/ (recorded by Node, Deno and C; see
// test/cross-host/cross-host.test.ts) replay identically under Deno: decisions, fuel faults at
// the same event, swaps to the fallback and a debug build's log lines. A trace recorded before
// a deliberate change of a policy or the SDK names a module that no longer exists: re-record
// them with HEAPWISE_UPDATE_GOLDEN=1 npx vitest run test/cross-host.
import assert from 'node:assert/strict';
import { replay } from '../../bindings/deno/mod.ts';
import { at, ensurePolicies } from './checkout.ts';

await ensurePolicies();

const traces = [...Deno.readDirSync(at('test/traces'))].map((e) => e.name).filter((n) => n.endsWith('.jsonl')).sort();

Deno.test('test/traces has golden traces of every host', () => {
  for (const host of ['node', 'deno', 'c']) assert.ok(traces.some((t) => t.endsWith(`.${host}.jsonl`)), `no golden trace recorded by ${host}`);
});

for (const name of traces) {
  Deno.test(`golden trace ${name} replays identically under Deno`, async () => {
    const file = at(`test/traces/${name}`);
    const events = Deno.readTextFileSync(file).split('\n').filter((l) => l.startsWith('{"t":"event"')).length;
    const report = await replay(file);
    assert.equal(report.divergence, null, JSON.stringify(report.divergence));
    assert.equal(report.identical, true);
    assert.equal(report.events, events);
  });
}
