// Binary traces across hosts: recorded in Node, replayed under Deno (the same TS host on another
// runtime) and in Node, every scenario identical (fuel faults, the fallback swap and debug logs
// included); a changed answer byte diverges in both. The C reader and writer will join here.
import { describe, it, expect, beforeAll } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { PolicyModule } from '../../host/module/policy-module.js';
import { BinaryTraceImage } from '../trace/binary-image.js';
import { recordBoth } from '../trace/sessions.js';
import { DEFAULT_WASM, denoReplay, nodeReplay, ROOT, type ReplayResult } from './hosts.js';

const work = mkdtempSync(join(tmpdir(), 'hw-bin-cross-'));
const compile = (path: string, opts: { fuel?: number; log?: boolean } = {}) =>
  PolicyModule.compile(readFileSync(path), { label: basename(path), ...(opts.fuel ? { fuel: opts.fuel } : {}), ...(opts.log ? { logCapability: true } : {}) });

const traces: Record<string, { binary: string; jsonl: string }> = {};
let deno: Record<string, ReplayResult> = {};
let changed = '';

beforeAll(async () => {
  copyFileSync(join(ROOT, 'test/traces/fuel-meter.wasm'), join(work, 'fuel-meter.wasm'));
  const fallback = await compile(DEFAULT_WASM);
  traces['cma-fallback'] = recordBoth(work, 'cma-fallback', join(ROOT, 'test/c/fixtures/cma-fallback.json'), await compile(DEFAULT_WASM), { path: null });
  traces['fuel-meter'] = recordBoth(work, 'fuel-meter', join(ROOT, 'test/cross-host/workloads/fuel-meter.json'), await compile(join(work, 'fuel-meter.wasm'), { fuel: 3000 }), { path: null, fallback });
  traces['default-debug'] = recordBoth(work, 'default-debug', join(ROOT, 'test/c/fixtures/cma-fallback.json'), await compile(join(ROOT, 'policies/default/build/default.debug.wasm'), { log: true }), { path: null });
  // The first answer with a SYNC, its flags changed (CRCs fixed: only the answer differs).
  const img = BinaryTraceImage.read(recordBoth(work, 'camera', 'camera-isp-display', await compile(DEFAULT_WASM), { path: null }).binary);
  const rec = img.records.find((x) => x.type === 4 && img.u32(x.payload + 4) > 0 && img.u32(x.payload + 4 + 48) === 3)!;
  img.bytes[rec.payload + 4 + 48 + 12] = 2;
  changed = join(work, 'changed.hwtrace');
  writeFileSync(changed, img.withCrcs());
  deno = denoReplay([...Object.values(traces).map((t) => t.binary), changed], work);
}, 600_000);

describe('binary traces recorded in Node', () => {
  it.each(['cma-fallback', 'fuel-meter', 'default-debug'])('%s replays identically under Deno and Node, as many events as its JSON Lines twin', async (name) => {
    const t = traces[name]!;
    const text = readFileSync(t.jsonl, 'utf8');
    if (name === 'fuel-meter') expect(text).toMatch(/"kind":"fuel"[\s\S]*"t":"swap"/);
    if (name === 'default-debug') expect(text).toContain('{"t":"log"');
    const twin = await nodeReplay(t.jsonl);
    expect(twin.identical).toBe(true);
    expect(deno[t.binary]).toMatchObject({ identical: true, events: twin.events, divergence: null });
    expect(await nodeReplay(t.binary)).toMatchObject({ identical: true, events: twin.events });
  });

  it('a changed answer byte diverges under Deno and Node at the same event', async () => {
    const node = await nodeReplay(changed);
    expect(node.identical).toBe(false);
    expect(deno[changed]).toEqual(JSON.parse(JSON.stringify(node)));
  });
});
