// heapwise decide and inspect, run as a user runs them.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { heapwise } from '../support/cli.js';
import { wat } from '../support/modules.js';

const tmp = mkdtempSync(join(tmpdir(), 'hw-cli-'));
const write = (name: string, text: string | Uint8Array) => { const p = join(tmp, name); writeFileSync(p, text); return p; };

describe('heapwise decide', () => {
  it('prints one JSON decision and exits 0 when placed', () => {
    const r = heapwise(['decide', '--platform', 'examples/platforms/rpi4.json', '--request', 'examples/requests/rpi4-camera-frame.json']);
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d.heap).toBe('linux,cma');
    expect(d.policy).toMatchObject({ name: 'default', version: '1.0.0' });
    expect(d.policy.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(d).slice(0, 7)).toEqual(['heap', 'fallbacks', 'size', 'fdFlags', 'name', 'rejected', 'policy']);
  });

  it('exits 3 when nothing fits, with the reasons', () => {
    const r = heapwise(['decide', '--platform', 'examples/platforms/x86-laptop.json', '--request', 'examples/requests/x86-laptop-protected-playback.json']);
    expect(r.code).toBe(3);
    const d = JSON.parse(r.stdout);
    expect(d.heap).toBeNull();
    expect(d.rejected.every((x: { reason: string }) => x.reason.length > 0)).toBe(true);
  });

  it('exits 2 naming the file and JSON path for an unknown device', () => {
    const req = write('req.json', JSON.stringify({ size: 4096, devices: ['unicam', 'warp-drive'], cpu: 'read' }));
    const r = heapwise(['decide', '--platform', 'examples/platforms/rpi4.json', '--request', req]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${req} at /devices/1: unknown device "warp-drive"`);
  });

  it('exits 2 for malformed JSON and missing files', () => {
    const req = write('bad.json', '{"size": 4096,');
    let r = heapwise(['decide', '--platform', 'examples/platforms/rpi4.json', '--request', req]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.json: malformed JSON at line 1 column \d+/);
    r = heapwise(['decide', '--platform', join(tmp, 'nope.json'), '--request', req]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nope.json: cannot read: ENOENT');
  });

  it('uses --policy, and refuses a module it will not load (exit 2)', () => {
    const r = heapwise(['decide', '--platform', 'examples/platforms/rpi5.json', '--request', 'examples/requests/rpi5-gpu-render-target.json', '--policy', 'naive']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).policy.name).toBe('naive');
    const bad = write('clock.wasm', wat('(module (import "wasi_snapshot_preview1" "clock_time_get" (func (param i32 i64 i32) (result i32))) (memory (export "memory") 1 1))'));
    const r2 = heapwise(['decide', '--platform', 'examples/platforms/rpi5.json', '--request', 'examples/requests/rpi5-gpu-render-target.json', '--policy', bad]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('forbidden import wasi_snapshot_preview1.clock_time_get');
  });
});

describe('heapwise inspect', () => {
  it('reports ABI, identity, sha256, imports, exports, memory and acceptance', () => {
    const r = heapwise(['inspect', 'policies/default/build/default.wasm', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep).toMatchObject({ abi: { major: 1, minor: 0 }, name: 'default', version: '1.0.0', accepted: true, refusal: null });
    // The default policy never aborts, so it imports nothing (env.abort is the only import allowed).
    expect(rep.imports).toEqual([]);
    expect(rep.exports.map((e: { name: string }) => e.name)).toEqual(expect.arrayContaining(['hw_event', 'hw_init', 'memory']));
    expect(rep.memory.maxPages).toBeGreaterThan(0);
    const text = heapwise(['inspect', 'default']);
    expect(text.stdout).toMatch(/accepted\s+yes/);
  });

  it('says why a module would be refused and exits 2', () => {
    const m = write('nomax.wasm', wat('(module (memory (export "memory") 1))'));
    const r = heapwise(['inspect', m]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/accepted\s+no: .*declares no maximum/);
  });
});
