/// <reference lib="deno.ns" />
// The cross-host determinism requirement (docs/trace.md): for the same workload the Deno host
// records byte-identical event and answer lines to Node's; only the header's host differs.
import assert from 'node:assert/strict';
import { HOST } from '../../bindings/deno/mod.ts';
import { BROKEN_POLICY, DEFAULT_POLICY, ensurePolicies, ROOT, workloadFiles } from './checkout.ts';
import { underNode } from './node_host.ts';
import { readPolicy } from './scenarios/policy_input.ts';
import { recordTrace } from './scenarios/simulation.ts';

await ensurePolicies();

const workloads = workloadFiles();
const DEFAULT = readPolicy(DEFAULT_POLICY);
const BROKEN = readPolicy(BROKEN_POLICY);
const kind = (line: string): string => (JSON.parse(line) as { t: string }).t;

/** Equal line lists, or a failure naming the first line that differs (traces run to thousands of lines). */
function assertSameLines(actual: string[], expected: string[], what: string): void {
  const i = actual.findIndex((l, k) => l !== expected[k]);
  if (i >= 0) assert.fail(`${what}: line ${i + 1} differs\n  deno: ${actual[i]}\n  node: ${expected[i] ?? '(none)'}`);
  assert.equal(actual.length, expected.length, `${what}: Deno wrote ${actual.length} lines, Node ${expected.length}`);
}

/** Node's traces of every workload, from one Node process, awaited by the first test that needs them. */
let nodeTraces: Promise<Record<string, string[]>> | null = null;
function nodeTrace(workload: string): Promise<string[]> {
  nodeTraces ??= underNode('test/deno/scenarios/simulation.ts', 'recordTraces', { policy: DEFAULT, workloads, host: 'node' });
  return nodeTraces.then((all) => all[workload] ?? assert.fail(`Node recorded no trace of ${workload}`));
}

for (const workload of workloads) {
  Deno.test(`trace of ${workload.slice(ROOT.length + 1)}: event and answer lines identical to Node's`, async () => {
    const deno = await recordTrace({ policy: DEFAULT, workload, host: HOST });
    const node = await nodeTrace(workload);
    const header = JSON.parse(deno[0]!) as { t: string; format: string; host: string };
    assert.equal(header.t, 'header');
    assert.equal(header.format, 'heapwise-trace');
    assert.equal(header.host, 'deno');
    assert.equal(kind(deno.at(-1)!), 'end');
    const events = deno.filter((l) => kind(l) === 'event');
    const answers = deno.filter((l) => kind(l) === 'answer');
    assert.ok(events.length > 0);
    assert.equal(answers.length, events.length, 'the default policy answers every event');
    assertSameLines(events, node.filter((l) => kind(l) === 'event'), 'event lines');
    assertSameLines(answers, node.filter((l) => kind(l) === 'answer'), 'answer lines');
    // Beyond the requirement: calls, results and the end line agree too, and the headers differ
    // in nothing but the host.
    assertSameLines(deno.slice(1), node.slice(1), 'all lines after the header');
    assertSameLines([deno[0]!], [node[0]!.replace('"host":"node"', '"host":"deno"')], 'header');
  });
}

Deno.test('trace of the broken policy on the stale-read fixture: identical to Node\'s, and unlike the default\'s', async () => {
  const workload = workloads.find((w) => w.endsWith('/stale-read.json'))!;
  const [broken, node, fine] = await Promise.all([
    recordTrace({ policy: BROKEN, workload, host: HOST }),
    underNode<string[]>('test/deno/scenarios/simulation.ts', 'recordTrace', { policy: BROKEN, workload, host: HOST }),
    recordTrace({ policy: DEFAULT, workload, host: HOST }),
  ]);
  assertSameLines(broken, node, 'broken policy trace');
  const answers = (lines: string[]) => lines.filter((l) => kind(l) === 'answer');
  assert.notDeepEqual(answers(broken), answers(fine), 'a policy that syncs differently must answer differently');
});
