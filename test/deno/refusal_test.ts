/// <reference lib="deno.ns" />
// Module refusal under Deno: the same bytes are refused for the same reason, in the same words,
// as under Node, before a single instruction of the module runs.
import assert from 'node:assert/strict';
import { asJson, underNode } from './node_host.ts';
import { REFUSAL_CASES, refusalMessages } from './scenarios/refusals.ts';

const EXPECTED: Record<keyof typeof REFUSAL_CASES & string, RegExp> = {
  'forbidden import': /refused: forbidden import wasi_snapshot_preview1\.fd_write \(function\); a policy may import only env\.abort/,
  'wrong ABI': /refused: speaks policy ABI 2\.0; this host speaks ABI 1\.0/,
  'missing export': /refused: missing export hw_event/,
  'memory without maximum': /refused: memory declares no maximum/,
  'memory over the cap': /refused: memory maximum 67108864 bytes \(1024 pages\) exceeds the host cap of 16777216 bytes/,
  // The control: nothing wrong with the shape, so it gets as far as reading the (empty) name.
  'no fault but an empty name': /refused: hw_policy_name is empty/,
};

Deno.test('refused modules: each for its own fault, with the same error as under Node', async () => {
  const [deno, node] = await Promise.all([refusalMessages(), underNode<Record<string, string>>('test/deno/scenarios/refusals.ts', 'refusalMessages')]);
  assert.deepEqual(Object.keys(deno).sort(), Object.keys(EXPECTED).sort());
  for (const [label, pattern] of Object.entries(EXPECTED)) {
    assert.match(deno[label]!, new RegExp(`^PolicyRefusedError: policy module ${label}\\.wasm `));
    assert.match(deno[label]!, pattern);
  }
  assert.deepEqual(asJson(deno), node);
});
