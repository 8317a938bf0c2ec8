// Traces record the manifest in force (format version 2): a session whose module faulted under
// its manifest replays identically where the manifest file is gone, in both encodings; version 1
// traces (no manifest recorded) still replay; a damaged recorded manifest is bad input.
import { describe, it, expect } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../host/errors.js';
import { loadPolicyFile } from '../../host/module/load-file.js';
import { PolicyModule } from '../../host/module/policy-module.js';
import { dumpTrace } from '../../host/trace/dump.js';
import { readTrace, readTraceHeader } from '../../host/trace/reader.js';
import { replay } from '../../host/trace/replay.js';
import { manifestJson } from '../../host/trace/trace-manifest.js';
import { heapwise } from '../support/cli.js';
import { policy, policyBytes, ROOT } from '../support/modules.js';
import { buildC, runDriver } from '../c/helpers.js';
import { BinaryTraceImage } from './binary-image.js';
import { recordBoth } from './sessions.js';

const tmp = mkdtempSync(join(tmpdir(), 'hw-trace-manifest-'));
const sha = PolicyModule.sha256(policyBytes('default'));
// camera-isp-display places every buffer in linux,cma: a manifest allowing only system makes the
// first ALLOC a manifest fault, and the engine falls back to naive (a swap without manifest).
const manifest = { name: 'default', version: '1.0.0', sha256: sha, allowedHeaps: ['system'], description: 'system only, "quoted"' };

async function session(stem: string) {
  const dir = join(tmp, stem);
  mkdirSync(dir);
  const wasm = join(dir, 'vendor.wasm');
  copyFileSync(join(ROOT, 'policies/default/build/default.wasm'), wasm);
  writeFileSync(join(dir, 'vendor.manifest.json'), JSON.stringify(manifest, null, 2));
  const mod = await loadPolicyFile(wasm);
  const r = recordBoth(dir, stem, 'camera-isp-display', mod, { path: 'vendor.wasm', fallback: await policy('naive') });
  // Gone on the workstation: replay has only the trace and the module.
  rmSync(join(dir, 'vendor.manifest.json'));
  return { ...r, dir, wasm };
}

async function lines(file: string) {
  const out: { t: string; policy?: unknown; kind?: string }[] = [];
  for await (const l of readTrace(file)) out.push(l as never);
  return out;
}

describe('the manifest in a trace', () => {
  it('is recorded with the header policy and each swap, in canonical form, in both encodings', async () => {
    const r = await session('recorded');
    const first = JSON.parse(r.text.slice(0, r.text.indexOf('\n')));
    expect(first.version).toBe(2);
    expect(first.policy.manifest).toEqual(manifest);
    // Keys in the schema's order whatever the file's order, no whitespace (the C host writes the same).
    expect(r.text).toContain(`"manifest":${manifestJson(manifest)}}`);
    expect(manifestJson(manifest)).toBe(`{"name":"default","version":"1.0.0","sha256":"${sha}","allowedHeaps":["system"],"description":"system only, \\"quoted\\""}`);
    const bin = readTraceHeader(r.binary);
    expect(bin.version).toBe(2);
    expect(bin.policy.manifest).toEqual(manifest);
    const parts: string[] = [];
    await dumpTrace(r.binary, (t) => { parts.push(t); });
    expect(parts.join('')).toBe(r.text);
    for (const file of [r.jsonl, r.binary]) {
      const all = await lines(file);
      expect(all.some((l) => l.t === 'fault' && l.kind === 'invalid-op')).toBe(true);
      const swap = all.find((l) => l.t === 'swap') as { policy: { name: string; manifest: unknown } };
      expect(swap.policy).toMatchObject({ name: 'naive', manifest: null });
    }
  });

  it('replays the recorded manifest fault identically without the manifest file, found by path or given', async () => {
    const r = await session('replayed');
    for (const file of [r.jsonl, r.binary]) {
      expect(await replay(file)).toMatchObject({ identical: true });
      // The same bytes given with --policy: the recorded module, so the recorded manifest applies.
      expect(await replay(file, { policy: await loadPolicyFile(r.wasm) })).toMatchObject({ identical: true });
    }
    const cli = heapwise(['replay', r.binary]);
    expect(cli.code, cli.stderr).toBe(0);
  });

  it('a version 1 trace (no manifest recorded) still reads, and replays the module as found: here it diverges', async () => {
    const r = await session('v1');
    const v1 = r.text.split('\n').map((l, k) => {
      if (k === 0) return l.replace('"version":2', '"version":1').replace(`,"manifest":${manifestJson(manifest)}`, '');
      return l.replace(',"manifest":null', '');
    }).join('\n');
    const file = join(r.dir, 'v1.jsonl');
    writeFileSync(file, v1);
    expect(readTraceHeader(file)).toMatchObject({ version: 1 });
    expect(readTraceHeader(file).policy.manifest).toBeUndefined();
    // Without the manifest the module answers where it faulted: the gap version 2 closes.
    const rep = await replay(file);
    expect(rep.identical).toBe(false);
    expect(rep.divergence).toMatchObject({ event: 0 });
    expect(rep.divergence!.expected).toMatch(/^fault \(invalid-op\)/);
  });

  it('a damaged recorded manifest is bad input naming the trace and the field (exit 2)', async () => {
    const r = await session('damaged');
    const [head, ...rest] = r.text.split('\n');
    const bad = join(r.dir, 'bad.jsonl');
    writeFileSync(bad, [head!.replace(`"allowedHeaps":["system"]`, `"allowedHeaps":"system"`), ...rest].join('\n'));
    expect(() => readTraceHeader(bad)).toThrow(InputError);
    expect(() => readTraceHeader(bad)).toThrow(/bad\.jsonl at line 1 policy\.manifest\/allowedHeaps: must be array/);
    const missing = join(r.dir, 'missing.jsonl');
    writeFileSync(missing, [head!.replace(`,"manifest":${manifestJson(manifest)}`, ''), ...rest].join('\n'));
    expect(() => readTraceHeader(missing)).toThrow(/line 1: policy lacks its manifest/);
    const cli = heapwise(['replay', bad]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/policy\.manifest/);
    // In a binary trace: the manifest text of the header record, checked the same way.
    const bin = readFileSync(r.binary);
    const at = bin.indexOf(Buffer.from('"allowedHeaps":["system"]'));
    expect(at).toBeGreaterThan(0);
    // Same length, so only the CRC needs fixing; the reader reports the CRC first otherwise.
    const damaged = Buffer.from(bin);
    damaged.write('"allowedHeaps":[ 42,  ]', at);
    const badBin = join(r.dir, 'bad.hwtrace');
    writeFileSync(badBin, new BinaryTraceImage(damaged).withCrcs());
    expect(() => readTraceHeader(badBin)).toThrow(/bad\.hwtrace at byte 20 \(record 1\): header record: policy manifest is not JSON/);
  });

  it('a recorded manifest with a repeated key is damage: both hosts refuse it at the header record', async () => {
    const r = await session('repeated');
    const bin = readFileSync(r.binary);
    const at = bin.indexOf(Buffer.from('"version":"1.0.0"'));
    expect(at).toBeGreaterThan(0);
    const damaged = Buffer.from(bin);
    damaged.write('"name":"default1"', at); // the same length: only the CRC changes
    const file = join(r.dir, 'repeated.hwtrace');
    writeFileSync(file, new BinaryTraceImage(damaged).withCrcs());
    expect(() => readTraceHeader(file)).toThrow(`${file} at byte 20 (record 1): header record: policy manifest is not JSON: duplicate object key near '"name"'`);
    buildC();
    const c = runDriver(['--replay', file]);
    expect(c.status).toBe(2);
    expect(c.stderr).toContain('(record 1)');
    expect(c.stderr).toContain('duplicate object key');
  });
});
