// heapwise inspect judges a module as every loading command does: the manifest beside it, and
// debug builds as --log loads them; test-policy runs debug builds with or without --log.
import { describe, it, expect } from 'vitest';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { heapwise } from '../support/cli.js';
import { ROOT } from '../support/modules.js';

const tmp = mkdtempSync(join(tmpdir(), 'hw-inspect-'));
const release = join(ROOT, 'policies/default/build/default.wasm');
const sha = createHash('sha256').update(readFileSync(release)).digest('hex');
const decideWith = (policy: string) => heapwise(['decide', '--platform', 'examples/platforms/rpi4.json', '--request', 'examples/requests/rpi4-camera-frame.json', '--policy', policy]);

/** A copy of the default policy with `manifest` beside it. */
function withManifest(name: string, manifest: object): string {
  const wasm = join(tmp, `${name}.wasm`);
  copyFileSync(release, wasm);
  writeFileSync(join(tmp, `${name}.manifest.json`), JSON.stringify(manifest));
  return wasm;
}

describe('heapwise inspect and the manifest beside a module', () => {
  it('refuses a module its manifest pins to another sha256, with the message decide gives', () => {
    const wasm = withManifest('pinned', { name: 'default', version: '1.0.0', sha256: 'a'.repeat(64) });
    const d = decideWith(wasm);
    expect(d.code).toBe(2);
    const r = heapwise(['inspect', wasm]);
    expect(r.code).toBe(2);
    const refusal = d.stderr.replace(/^heapwise: /, '').trim();
    expect(refusal).toContain(`sha256 ${sha} does not match the manifest's ${'a'.repeat(64)}`);
    expect(r.stdout).toContain(`accepted   no: ${refusal}`);
    expect(r.stdout).toContain(`manifest   ${join(tmp, 'pinned.manifest.json')}`);
  });

  it('refuses a module whose manifest is malformed ("fuel": "lots"), with the message decide gives', () => {
    const wasm = withManifest('lots', { name: 'default', version: '1.0.0', sha256: sha, fuel: 'lots' });
    const d = decideWith(wasm);
    expect(d.code).toBe(2);
    expect(d.stderr).toContain('lots.manifest.json at /fuel: must be integer');
    const r = heapwise(['inspect', wasm, '--json']);
    expect(r.code).toBe(2);
    const rep = JSON.parse(r.stdout);
    expect(rep).toMatchObject({ accepted: false, refusal: d.stderr.replace(/^heapwise: /, '').trim(), manifest: join(tmp, 'lots.manifest.json') });
  });

  it('accepts a module its manifest pins correctly', () => {
    const wasm = withManifest('good', { name: 'default', version: '1.0.0', sha256: sha });
    const r = heapwise(['inspect', wasm, '--json']);
    expect(r.code, r.stdout).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ accepted: true, debug: false, name: 'default' });
  });
});

describe('heapwise inspect of a debug build', () => {
  it('describes default.debug: ABI, identity, debug build, accepted with --log (exit 0)', () => {
    const r = heapwise(['inspect', 'default.debug']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/abi\s+1\.0/);
    expect(r.stdout).toMatch(/policy\s+default 1\.0\.0/);
    expect(r.stdout).toMatch(/build\s+debug \(imports the wasi log sink; loaded with --log\)/);
    expect(r.stdout).toMatch(/accepted\s+yes, with --log/);
    const rep = JSON.parse(heapwise(['inspect', 'default.debug', '--json']).stdout);
    expect(rep).toMatchObject({ abi: { major: 1, minor: 0 }, name: 'default', debug: true, accepted: true, refusal: null });
  });

  it('test-policy runs a debug build without --log', () => {
    const r = heapwise(['test-policy', 'default.debug', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ failed: 0 });
  });
});
