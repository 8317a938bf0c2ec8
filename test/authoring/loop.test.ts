// The edit-test loop: new-policy scaffolds a module that builds and passes its own test;
// test-policy checks any module; explain reads one decision out.
import { describe, it, expect } from 'vitest';
import { mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { heapwise } from '../support/cli.js';
import { ROOT } from '../support/modules.js';

describe('new-policy, build, test-policy', () => {
  it('scaffolds a policy that builds (production and debug) and passes its own vitest file', () => {
    const base = join(ROOT, '.cache/new-policy-test');
    rmSync(base, { recursive: true, force: true });
    mkdirSync(base, { recursive: true });
    const dir = join(base, 'acme-isp');
    let r = heapwise(['new-policy', 'acme-isp', '--dir', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(heapwise(['new-policy', 'acme-isp', '--dir', dir]).stderr).toMatch(/already exists; not overwriting/);
    expect(heapwise(['new-policy', 'Bad Name']).code).toBe(2);
    r = heapwise(['build', dir]);
    expect(r.code, r.stderr).toBe(0);
    r = heapwise(['build', dir, '--debug']);
    expect(r.code, r.stderr).toBe(0);
    r = heapwise(['decide', '--platform', 'examples/platforms/rock5b.json', '--request', 'examples/requests/rock5b-gpu-render-target.json', '--policy', join(dir, 'build/acme-isp.debug.wasm'), '--log']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/kept heap system/);
    writeFileSync(join(base, 'vitest.config.mjs'), "export default { test: { include: ['**/*.test.ts'] } };\n");
    const v = spawnSync(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--root', base, '--config', join(base, 'vitest.config.mjs')], { encoding: 'utf8', timeout: 600_000 });
    expect(v.status, `${v.stdout}\n${v.stderr}`).toBe(0);
    expect(v.stdout).toMatch(/1 passed/);
  }, 600_000);

  it('a compile error names the file and exits 2', () => {
    const dir = join(ROOT, '.cache/new-policy-test/broken-src');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'index.ts'), 'export function hw_event(len: i32): i32 { return undefinedThing; }\n');
    const r = heapwise(['build', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(join(dir, 'index.ts'));
    expect(r.stderr).toMatch(/AssemblyScript compilation failed/);
  });

  it('test-policy reports the violation the broken module causes, and passes default', () => {
    const bad = heapwise(['test-policy', 'test/fixtures/policies/broken/build/broken.wasm', '--json']);
    expect(bad.code).toBe(4);
    const rep = JSON.parse(bad.stdout);
    const fail = rep.results.filter((x: { ok: boolean }) => !x.ok);
    expect(fail).toContainEqual(expect.objectContaining({ check: 'coherency', subject: 'camera-isp-display', detail: expect.stringMatching(/stale-read/) }));
    const good = heapwise(['test-policy', 'default']);
    expect(good.code, good.stdout).toBe(0);
    expect(good.stdout).toMatch(/: \d+ passed, 0 failed/);
  });
});

describe('explain', () => {
  it('a request: every heap kept or rejected with device and constraint, and the ranking reason', () => {
    const r = heapwise(['explain', '--platform', 'examples/platforms/rpi4.json', '--request', 'examples/requests/rpi4-camera-frame.json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/REJECTED system .*\[unicam\] device unicam has no IOMMU and a 30-bit DMA mask/);
    expect(r.stdout).toMatch(/CHOSEN\s+linux,cma/);
    expect(r.stdout).toMatch(/operations: ALLOC \d+ bytes from linux,cma/);
  });

  it('event N of a trace: the syncs with reasons, state before and after, and the debug log', () => {
    const trace = join(ROOT, '.cache/new-policy-test/explain.jsonl');
    expect(heapwise(['simulate', '--workload', 'examples/workloads/camera-isp-display.json', '--policy', 'default.debug', '--log', '--record', trace]).code).toBe(0);
    const lines = readFileSync(trace, 'utf8').split('\n');
    const ev = lines.map((l) => (l.startsWith('{"t":"event"') ? JSON.parse(l) : null)).find((e) => e && e.kind === 'CPU_BEGIN');
    const r = heapwise(['explain', '--trace', trace, '--event', String(ev.i), '--log']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/CPU_BEGIN of buffer \d+/);
    expect(r.stdout).toMatch(/state before: domain DEVICE; no START open/);
    expect(r.stdout).toMatch(/ISSUED START\|READ .*\(CPU_INVALIDATE\)/);
    expect(r.stdout).toMatch(/state after: domain CPU; START\|READ open/);
    expect(r.stdout).toMatch(/policy log:\n {4}buffer \d+: issue sync 0x1 \(CPU_INVALIDATE\)/);
    const json = JSON.parse(heapwise(['explain', '--trace', trace, '--event', String(ev.i), '--json']).stdout);
    expect(json.syncs[0]).toMatchObject({ verdict: 'ISSUED', flags: 'START|READ', code: 'CPU_INVALIDATE' });
    expect(heapwise(['explain', '--trace', trace, '--event', '999999']).stderr).toMatch(/has no event 999999/);
  });
});
