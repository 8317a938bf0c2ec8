// A divergence in a debug build's log lines (docs/trace.md, "Replay and diff"): replay reports
// the first differing line decoded, whatever the two lines' types (a recorded log line against
// the module's answer, or the module's log line against a recorded answer), exit 5.
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicyFile } from '../../host/module/load-file.js';
import { replay } from '../../host/trace/replay.js';
import { heapwise } from '../support/cli.js';
import { policy } from '../support/modules.js';
import { recordBoth } from './sessions.js';

const tmp = mkdtempSync(join(tmpdir(), 'hw-log-div-'));
let debug: { binary: string; jsonl: string };
let plain: { binary: string; jsonl: string };

beforeAll(async () => {
  debug = recordBoth(tmp, 'debug', 'software-render', await loadPolicyFile('default.debug', { logCapability: true }));
  plain = recordBoth(tmp, 'plain', 'software-render', await policy('default'), { path: null });
});

describe('log divergence', () => {
  it.each(['jsonl', 'binary'] as const)('a recorded log line against the module\'s answer (%s): exit 5, both decoded', async (enc) => {
    const rep = await replay(debug[enc], { policy: await policy('default') });
    expect(rep.identical).toBe(false);
    expect(rep.divergence!.expected).toMatch(/^\{"t":"log","i":0,/);
    expect(rep.divergence!.actual).toMatch(/^\{"t":"answer","i":0,/);
    const r = heapwise(['replay', debug[enc], '--policy', 'default']);
    expect(r.code, r.stderr).toBe(5);
    expect(r.stdout).toMatch(/diverged at event 0/);
    expect(r.stdout).toMatch(/expected \(recorded by default [^)]*\):\n {2}log line \(fd [12]\): /);
    expect(r.stdout).toMatch(/actual \(default [^)]*\):\n {2}ops: \n {4}ALLOC buffer/);
  });

  it.each(['jsonl', 'binary'] as const)('the module\'s log line against a recorded answer (%s): exit 5, both decoded', async (enc) => {
    const rep = await replay(plain[enc], { policy: await loadPolicyFile('default.debug', { logCapability: true }) });
    expect(rep.identical).toBe(false);
    expect(rep.divergence!.expected).toMatch(/^\{"t":"answer","i":0,/);
    expect(rep.divergence!.actual).toMatch(/^\{"t":"log","i":0,/);
  });

  it.each(['jsonl', 'binary'] as const)('onLog sees every recorded log line, and the module\'s, as replay meets them (%s)', async (enc) => {
    const seen: [string, boolean][] = [];
    const rep = await replay(debug[enc], { onLog: (line, recorded) => seen.push([line, recorded]) });
    expect(rep.identical).toBe(true);
    const recorded = seen.filter(([, r]) => r).map(([l]) => l);
    expect(recorded.length).toBeGreaterThan(0);
    expect(recorded).toEqual(seen.filter(([, r]) => !r).map(([l]) => l));
  });
});
