// Manifests: pinned hash (refused before instantiation), identity, allowed heaps, largest
// allocation and fuel, enforced by the host.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicyFile } from '../../host/module/load-file.js';
import { PolicyModule } from '../../host/module/policy-module.js';
import { Engine } from '../../host/engine/engine.js';
import { PolicyRefusedError, PolicyFaultError, InputError } from '../../host/errors.js';
import { policyBytes, ROOT, wat } from '../support/modules.js';
import { readFileSync } from 'node:fs';
import { platform, SOC } from '../support/platforms.js';
import { heapwise } from '../support/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'hw-manifest-'));
const sha = PolicyModule.sha256(policyBytes('default'));
function withManifest(name: string, manifest: object): string {
  const wasm = join(tmp, `${name}.wasm`);
  copyFileSync(join(ROOT, 'policies/default/build/default.wasm'), wasm);
  writeFileSync(join(tmp, `${name}.manifest.json`), JSON.stringify(manifest));
  return wasm;
}

describe('policy manifests', () => {
  it('a matching manifest beside the module is loaded and enforced', async () => {
    const wasm = withManifest('ok', { name: 'default', version: '1.0.0', sha256: sha, fuel: 5000 });
    const m = await loadPolicyFile(wasm);
    expect(m.manifest?.sha256).toBe(sha);
    expect(m.fuel).toBe(5000);
  });

  it('a module whose hash does not match is refused before instantiation', async () => {
    const wasm = withManifest('pinned', { name: 'default', version: '1.0.0', sha256: 'a'.repeat(64) });
    await expect(loadPolicyFile(wasm)).rejects.toThrow(new RegExp(`sha256 ${sha} does not match the manifest's a{64}`));
    // Even a module whose start function would never return is refused without running it.
    const spin = wat(readFileSync(join(ROOT, 'test/hostile/start-never-returns.wat'), 'utf8'));
    await expect(PolicyModule.compile(spin, { label: 'spin', manifest: { name: 'x', version: '1.0.0', sha256: 'b'.repeat(64) } })).rejects.toThrow(/does not match the manifest/);
  });

  it('a module reporting another identity than its manifest is refused', async () => {
    const wasm = withManifest('ident', { name: 'vendor-x', version: '2.0.0', sha256: sha });
    const m = await loadPolicyFile(wasm);
    expect(() => Engine.create(m, platform(SOC))).toThrow(PolicyRefusedError);
    expect(() => Engine.create(m, platform(SOC))).toThrow(/reports default 1\.0\.0; its manifest says vendor-x 2\.0\.0/);
  });

  it('allowed heaps and the largest allocation are enforced on every ALLOC', async () => {
    const heaps = await loadPolicyFile(withManifest('heaps', { name: 'default', version: '1.0.0', sha256: sha, allowedHeaps: ['reserved'] }));
    const e = Engine.create(heaps, platform(SOC));
    expect(e.allocate({ size: 4096, devices: ['csi'], cpu: 'none' }).heap).toBe('reserved');
    expect(() => e.allocate({ size: 4096, devices: ['isp'], cpu: 'read' })).toThrow(/ALLOC from heap system, which its manifest does not allow \(reserved\)/);
    const big = await loadPolicyFile(withManifest('big', { name: 'default', version: '1.0.0', sha256: sha, maxAllocationBytes: 65536 }));
    const e2 = Engine.create(big, platform(SOC));
    expect(() => e2.allocate({ size: 70000, devices: ['isp'], cpu: 'read' })).toThrow(PolicyFaultError);
  });

  it('a malformed manifest is bad input naming the file and field', async () => {
    const wasm = withManifest('bad', { name: 'default', version: 'one', sha256: sha });
    await expect(loadPolicyFile(wasm)).rejects.toBeInstanceOf(InputError);
    await expect(loadPolicyFile(wasm)).rejects.toThrow(/bad\.manifest\.json at \/version/);
    const r = heapwise(['decide', '--platform', 'examples/platforms/rpi5.json', '--request', 'examples/requests/rpi5-gpu-render-target.json', '--policy', wasm]);
    expect(r.code).toBe(2);
  });
});
