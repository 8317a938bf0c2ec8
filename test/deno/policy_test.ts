/// <reference lib="deno.ns" />
// Loading the built-in default policy under Deno: node:fs, node:crypto and node:path resolve
// through Deno's Node compatibility, and the package root is found from the sources.
import assert from 'node:assert/strict';
import { builtinPolicyPath, loadPolicyFile, packageRoot, PolicyModule } from '../../bindings/deno/mod.ts';
import { DEFAULT_POLICY, ensurePolicies, ROOT } from './checkout.ts';

await ensurePolicies();

async function webCryptoSha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

Deno.test('the built-in name "default" resolves to policies/default/build/default.wasm of this checkout', () => {
  assert.equal(packageRoot(), ROOT);
  assert.equal(builtinPolicyPath('default'), DEFAULT_POLICY);
});

Deno.test('the default policy loads and names itself, its sha256 as Web Crypto computes it', async () => {
  const mod = await loadPolicyFile('default');
  assert.ok(mod instanceof PolicyModule);
  assert.equal(mod.label, DEFAULT_POLICY);
  assert.equal(mod.sha256, await webCryptoSha256(Deno.readFileSync(DEFAULT_POLICY)));
  const report = await PolicyModule.inspect(mod.bytes, { label: mod.label });
  assert.equal(report.refusal, null);
  assert.equal(report.accepted, true);
  assert.equal(report.name, 'default');
  assert.match(report.version ?? '', /^\d+\.\d+\.\d+/);
  assert.deepEqual(report.abi, { major: 1, minor: 0 });
});

Deno.test('a missing policy file is an InputError naming the file', async () => {
  await assert.rejects(loadPolicyFile(`${ROOT}/policies/nope/build/nope.wasm`), (e: Error) => {
    assert.equal(e.name, 'InputError');
    assert.match(e.message, /policies\/nope\/build\/nope\.wasm: cannot read policy module: ENOENT/);
    return true;
  });
});
