// Replay of binary traces: identical for the bundled policies, their debug builds and a module
// that runs out of fuel; a changed answer byte diverges with the decoded difference.
import { describe, it, expect } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PolicyModule } from '../../host/module/policy-module.js';
import { loadPolicyFile } from '../../host/module/load-file.js';
import { replay } from '../../host/trace/replay.js';
import { heapwise } from '../support/cli.js';
import { policy, ROOT } from '../support/modules.js';
import { BinaryTraceImage } from './binary-image.js';
import { recordBoth, WORKLOADS } from './sessions.js';

const tmp = mkdtempSync(join(tmpdir(), 'hw-bin-replay-'));

describe('binary replay', () => {
  for (const p of ['default', 'naive']) {
    it(`every bundled workload under ${p} replays identically, as its JSON Lines twin does`, async () => {
      for (const w of WORKLOADS) {
        const r = recordBoth(tmp, `${w}-${p}`, w, await policy(p));
        const [bin, text] = [await replay(r.binary), await replay(r.jsonl)];
        expect(bin, w).toMatchObject({ identical: true, divergence: null });
        expect(bin.events).toBe(text.events);
      }
    });
  }

  it('a debug build replays with its log lines', async () => {
    const dbg = await loadPolicyFile('default.debug', { logCapability: true });
    const r = recordBoth(tmp, 'debug', 'camera-isp-display', dbg);
    expect(r.text).toContain('{"t":"log"');
    expect(await replay(r.binary)).toMatchObject({ identical: true });
  });

  it('a module that runs out of fuel faults at the same event, then the fallback takes over', async () => {
    const dir = mkdtempSync(join(tmp, 'fuel-'));
    copyFileSync(join(ROOT, 'test/traces/fuel-meter.wasm'), join(dir, 'fuel-meter.wasm'));
    const mod = await PolicyModule.compile(readFileSync(join(dir, 'fuel-meter.wasm')), { label: 'fuel-meter.wasm', fuel: 3000 });
    const r = recordBoth(dir, 'fuel', join(ROOT, 'test/cross-host/workloads/fuel-meter.json'), mod, { path: null, fallback: await policy('default') });
    expect(r.text).toContain('"kind":"fuel"');
    expect(r.text).toContain('{"t":"swap"');
    expect(await replay(r.binary)).toMatchObject({ identical: true });
    // One unit less: the recorded answers no longer fit the budget.
    const starved = await PolicyModule.compile(readFileSync(join(dir, 'fuel-meter.wasm')), { label: 'fuel-meter.wasm', fuel: 300 });
    const rep = await replay(r.binary, { policy: starved });
    expect(rep.identical).toBe(false);
    expect(rep.divergence!.actual).toBe('fault:fuel');
  });

  it('a changed answer byte diverges (exit 5) with both answers decoded', async () => {
    const r = recordBoth(tmp, 'changed', 'camera-isp-display', await policy('default'));
    const img = BinaryTraceImage.read(r.binary);
    // The first answer with a SYNC: change its flags (START|READ to START|WRITE).
    const rec = img.records.find((x) => x.type === 4 && img.u32(x.payload + 4) > 0 && img.u32(x.payload + 4 + 48) === 3)!;
    img.bytes[rec.payload + 4 + 48 + 12] = 2;
    const bad = join(tmp, 'changed-bad.hwtrace');
    writeFileSync(bad, img.withCrcs());
    const rep = await replay(bad);
    expect(rep.identical).toBe(false);
    expect(rep.divergence!.line).toBe(rec.index);
    expect(rep.divergence!.expected).toContain('"arg":2');
    expect(rep.divergence!.actual).toContain('"arg":1');
    const cli = heapwise(['replay', bad]);
    expect(cli.code, cli.stderr).toBe(5);
    expect(cli.stdout).toContain(`(trace record ${rec.index}, line ${rec.index} of its dump)`);
    expect(cli.stdout).toContain('START|WRITE');
    expect(cli.stdout).toContain('START|READ');
  });
});
