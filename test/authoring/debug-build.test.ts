// Debug builds (wasi-shim): the log sink is the only capability, granted explicitly; log lines
// are attributed to events, recorded in traces, and replayed identically.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PolicyModule } from '../../host/module/policy-module.js';
import { loadPolicyFile } from '../../host/module/load-file.js';
import { Engine } from '../../host/engine/engine.js';
import { replay } from '../../host/trace/replay.js';
import { readSections } from '../../host/module/sections.js';
import { PolicyRefusedError } from '../../host/errors.js';
import { ROOT, wat } from '../support/modules.js';
import { platform, SOC } from '../support/platforms.js';
import { heapwise } from '../support/cli.js';

const debugWasm = join(ROOT, 'policies/default/build/default.debug.wasm');

describe('debug builds', () => {
  it('are reactors importing only fd_write and proc_exit; production builds import nothing but env.abort', () => {
    const dbg = readSections(readFileSync(debugWasm));
    expect(dbg.imports.map((i) => `${i.module}.${i.name}`).sort()).toEqual(['wasi_snapshot_preview1.fd_write', 'wasi_snapshot_preview1.proc_exit']);
    expect(dbg.exports.map((e) => e.name)).toContain('_initialize');
    expect(dbg.exports.map((e) => e.name)).not.toContain('_start');
    expect(dbg.start).toBeNull();
    const prod = readSections(readFileSync(join(ROOT, 'policies/default/build/default.wasm')));
    // The default policy never aborts, so its production build imports nothing at all.
    expect(prod.imports.map((i) => `${i.module}.${i.name}`)).toEqual([]);
  });

  it('are refused without the log capability, and log their reasoning with it', async () => {
    await expect(loadPolicyFile(debugWasm)).rejects.toThrow(/forbidden import wasi_snapshot_preview1\.fd_write .*load it with the log capability/);
    const m = await loadPolicyFile(debugWasm, { logCapability: true });
    const e = Engine.create(m, platform(SOC));
    const logs: string[] = [];
    e.observe({ onLog: (ev, l) => logs.push(`${ev.index}:${l.fd}:${l.text}`) });
    const b = e.allocate({ size: 4096, devices: ['csi', 'isp'], cpu: 'read' });
    expect(b.heap).toBe('reserved');
    expect(logs).toContain('0:1:buffer 1: reject heap system (DMA_MASK, device csi)');
    expect(logs.at(-1)).toBe('0:1:buffer 1: chose heap reserved with 0 fallbacks');
    e.deviceBegin(b, 'isp', 'write'); e.deviceEnd(b, 'isp'); e.cpuAccess(b, 'read');
    expect(logs.at(-2)).toMatch(/^3:1:buffer 1: issue sync 0x1 \(CPU_INVALIDATE\)$/);
  });

  it('decide the same as the production build', async () => {
    const prod = await loadPolicyFile('default');
    const dbg = await loadPolicyFile('default.debug', { logCapability: true });
    for (const req of [{ size: 4096, devices: ['csi'], cpu: 'read' as const }, { size: 1 << 20, devices: ['isp', 'gpu'], cpu: 'write' as const }]) {
      const a = Engine.create(prod, platform(SOC)).allocate(req).decision!;
      const b = Engine.create(dbg, platform(SOC)).allocate(req).decision!;
      expect({ ...b, policy: null }).toEqual({ ...a, policy: null });
    }
  });

  it('with the log capability, any other WASI import is still refused, naming it', async () => {
    const text = readFileSync(join(ROOT, 'test/hostile/wasi-clock.wat'), 'utf8').replace(
      '(import "env" "abort"', '(import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))\n  (import "env" "abort"');
    const err = await PolicyModule.compile(wat(text), { label: 'clock-debug', logCapability: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolicyRefusedError);
    expect((err as Error).message).toMatch(/forbidden import wasi_snapshot_preview1\.clock_time_get/);
  });

  it('log lines are recorded in traces and replay identically', async () => {
    const trace = join(mkdtempSync(join(tmpdir(), 'hw-debug-')), 't.jsonl');
    const r = heapwise(['simulate', '--workload', 'examples/workloads/camera-isp-display.json', '--policy', 'default.debug', '--log', '--record', trace]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('issue sync 0x1 (CPU_INVALIDATE)');
    const lines = readFileSync(trace, 'utf8').split('\n');
    expect(lines.filter((l) => l.startsWith('{"t":"log"')).length).toBeGreaterThan(100);
    expect(JSON.parse(lines[0]!).limits.log).toBe(true);
    expect(await replay(trace)).toMatchObject({ identical: true });
    expect(heapwise(['replay', trace]).code).toBe(0);
  });
});
