// The manifest a trace records is the same bytes from Node and from C (docs/trace.md, "The
// manifest in force"), for any manifest: heap names and descriptions with quotes, backslashes,
// control characters and non-ASCII text, limits present or not. Each case records a short
// session in both hosts with the manifest beside the module and compares the header lines.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicyFile } from '../../host/module/load-file.js';
import { PolicyModule } from '../../host/module/policy-module.js';
import { buildC, C_BUILD } from '../c/helpers.js';
import { recordBoth } from '../trace/sessions.js';
import { cRecord, DEFAULT_WASM, ROOT, type Scenario } from './hosts.js';

const work = mkdtempSync(join(tmpdir(), 'heapwise-manifest-bytes-'));
const sha = PolicyModule.sha256(readFileSync(DEFAULT_WASM));
const workload = join(ROOT, 'test/c/fixtures/cma-fallback.json');

beforeAll(() => {
  buildC();
  copyFileSync(DEFAULT_WASM, join(work, 'vendor.wasm'));
  copyFileSync(join(C_BUILD, 'policies', 'default.so'), join(work, 'vendor.so'));
}, 900_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Text both JSON readers take: whole code points (no lone surrogates), no NUL (jansson refuses it).
const tricky = fc.constantFrom('"', '\\', '/', '\n', '\t', '\u0001', '\u001f', '\u007f', '\u00e9', '\u2028', '\u{1f600}', 'a', ' ');
const text = (min: number) => fc.oneof(
  fc.string({ unit: 'binary', minLength: min, maxLength: 24 }),
  fc.string({ unit: tricky, minLength: min, maxLength: 24 }),
).filter((s) => !s.includes('\u0000'));
const manifest = fc.record({
  allowedHeaps: fc.option(fc.uniqueArray(text(1), { minLength: 1, maxLength: 3 }), { nil: undefined }),
  maxAllocationBytes: fc.option(fc.integer({ min: 4096, max: Number.MAX_SAFE_INTEGER }), { nil: undefined }),
  fuel: fc.option(fc.integer({ min: 1_000_000, max: 0x7fffffff }), { nil: undefined }),
  description: fc.option(text(0), { nil: undefined }),
}, { requiredKeys: [] });

/** The `"manifest":...` member of a trace's header line, as written. */
function recordedManifest(headerLine: string): string {
  const at = headerLine.indexOf('"manifest":');
  const end = headerLine.indexOf('},"limits":');
  return headerLine.slice(at, end);
}

describe('the recorded manifest', () => {
  it('is the same bytes from Node and C for any manifest', async () => {
    let n = 0;
    const fallback = await PolicyModule.compile(readFileSync(DEFAULT_WASM), { label: 'default.wasm' });
    await fc.assert(fc.asyncProperty(manifest, async (extra) => {
      // Keys in a file order unlike the canonical one: the hosts must not keep the file's.
      const m = { description: extra.description, fuel: extra.fuel, allowedHeaps: extra.allowedHeaps, maxAllocationBytes: extra.maxAllocationBytes, sha256: sha, version: '1.0.0', name: 'default' };
      writeFileSync(join(work, 'vendor.manifest.json'), JSON.stringify(m));
      const stem = `case-${n++}`;
      const c = join(work, `${stem}.c.jsonl`);
      const s: Scenario = { workload, policy: join(work, 'vendor.wasm'), cPolicy: 'vendor.so', fallback: true };
      cRecord(s, c, work);
      const node = recordBoth(work, `${stem}.node`, workload, await loadPolicyFile(s.policy), { path: null, fallback });
      const cHeader = readFileSync(c, 'utf8').split('\n')[0]!;
      const nodeHeader = node.text.split('\n')[0]!;
      expect(recordedManifest(cHeader)).toBe(recordedManifest(nodeHeader));
      expect(JSON.parse(`{${recordedManifest(nodeHeader)}}`).manifest).toEqual(JSON.parse(JSON.stringify(m)));
    }), { numRuns: 25, seed: 20261205 });
  }, 300_000);
});
