// Damaged JSON Lines traces (docs/trace.md, "Errors", rules R1-R5): every kind of damage is bad
// input naming the file, the line and (for a mistyped field) the field, exit 2, in replay and
// in diff alike; never a crash, never "identical".
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../host/errors.js';
import type { PolicyModule } from '../../host/module/policy-module.js';
import { diff } from '../../host/trace/diff.js';
import { dumpTrace } from '../../host/trace/dump.js';
import { replay } from '../../host/trace/replay.js';
import { heapwise } from '../support/cli.js';
import { policy } from '../support/modules.js';
import { recordBoth } from './sessions.js';

const tmp = mkdtempSync(join(tmpdir(), 'hw-damaged-'));
let good: string[] = [];
let def: PolicyModule;
let naive: PolicyModule;
let n = 0;

/** Index of the k-th line (0-based count) of type t. */
const nth = (t: string, k = 0) => good.map((l, i) => [l, i] as const).filter(([l]) => l.startsWith(`{"t":"${t}"`))[k]![1];

/** Writes the trace with `damage` applied to a copy of its lines. */
const damaged = (damage: (l: string[]) => void) => {
  const lines = [...good];
  damage(lines);
  const f = join(tmp, `bad-${n++}.jsonl`);
  writeFileSync(f, lines.map((l) => `${l}\n`).join(''));
  return f;
};

type Consumer = 'replay' | 'diff' | 'dump';
const consume: Record<Consumer, (file: string) => Promise<unknown>> = {
  replay: (f) => replay(f),
  diff: (f) => diff(f, def, naive),
  dump: (f) => dumpTrace(f, () => {}),
};

/** The trace's consumers refuse the file: InputError (exit 2) with `msg`, naming the file. */
async function refused(file: string, msg: RegExp, by: Consumer[] = ['replay', 'diff']): Promise<void> {
  for (const run of by.map((c) => consume[c])) {
    const e = await run(file).then(() => null, (x: unknown) => x);
    expect(e, `${file} accepted`).toBeInstanceOf(InputError);
    expect((e as InputError).exitCode).toBe(2);
    expect((e as Error).message).toContain(file);
    expect((e as Error).message).toMatch(msg);
  }
}

beforeAll(async () => {
  def = await policy('default');
  naive = await policy('naive');
  const r = recordBoth(tmp, 'good', 'camera-isp-display', def, { path: null });
  good = r.text.trimEnd().split('\n');
  // The fixture's first event is a PLACE answered ALLOC + SET_NAME, each with its result.
  expect(good[2]).toMatch(/^\{"t":"event","i":0,"n":0,"kind":"PLACE"/);
  expect(good[3]).toMatch(/"kind":"ALLOC".*"kind":"SET_NAME"/);
  expect(good[4]).toBe('{"t":"result","i":0,"op":0,"ok":true,"fd":3}'.replace('3', JSON.parse(good[4]!).fd));
  expect(good[5]).toBe('{"t":"result","i":0,"op":1,"ok":true}');
});

describe('results (R2, R3)', () => {
  it.each([
    ['a deleted first result', (l: string[]) => { l.splice(4, 1); }, /at line 5: result for op 1 out of order \(expected op 0\)/],
    ['a deleted last result (incomplete at the next call)', (l: string[]) => { l.splice(5, 1); }, /at line 6: event 0: 1 results for the answer's 2 ops/],
    ['an answer and its result swapped', (l: string[]) => { [l[3], l[4]] = [l[4]!, l[3]!]; }, /at line 4: result for event 0 before its answer/],
    ['a deleted answer', (l: string[]) => { l.splice(3, 1); }, /at line 4: result for event 0 before its answer/],
    ['a result beyond the answer\'s ops', (l: string[]) => { l.splice(6, 0, '{"t":"result","i":0,"op":2,"ok":true}'); }, /at line 7: result for op 2, but the answer has 2 ops/],
    ['a result after a failed one', (l: string[]) => { l[4] = '{"t":"result","i":0,"op":0,"ok":false,"errno":12,"code":"ENOMEM"}'; }, /at line 6: result for op 1 after op 0 failed/],
    ['a result after a fault', (l: string[]) => { l[3] = '{"t":"fault","i":0,"kind":"trap","message":"x"}'; }, /at line 5: result for event 0, which faulted/],
    ['a second answer', (l: string[]) => { l.splice(4, 0, l[3]!); }, /at line 5: second answer or fault for event 0/],
    ['an event without answer', (l: string[]) => { l.splice(3, 3); }, /at line 4: event 0 has no answer or fault line/],
  ])('%s is refused (exit 2)', async (_n, damage, msg) => {
    await refused(damaged(damage), msg, ['dump', 'diff']);
  });
});

it('a damaged result is refused by replay too (it reads on to the end)', async () => {
  await refused(damaged((l) => { l.splice(5, 1); }), /at line 6: event 0: 1 results/, ['replay']);
});

describe('calls and events (R4, R5)', () => {
  it('an event naming another call than the latest is refused', async () => {
    await refused(damaged((l) => { l[2] = l[2]!.replace('"n":0', '"n":1'); }), /at line 3: event 0 names call 1, but the latest call is 0/);
  });

  it('a call line with an unknown device names the file, line and field', async () => {
    const i = nth('call', 3);
    const f = damaged((l) => { l[i] = l[i]!.replace(/"device":"[^"]*"|"devices":\["[^"]*"/, (m) => m.replace(/"[^"]*"$/, '"bogus"')); });
    await refused(f, new RegExp(`at line ${i + 1} devices?(\\[0\\])?: unknown device "bogus"`));
  });
});

describe('mistyped fields (R1)', () => {
  const swapLine = (i: number, reason: string) => `{"t":"swap","i":${i},"reason":"${reason}","policy":{"name":"default","version":"1.0.0","sha256":"${'0'.repeat(64)}","path":null,"manifest":null}}`;
  it.each<[string, (l: string[]) => void, RegExp]>([
    ['header limits.fuel', (l) => { l[0] = l[0]!.replace(/"fuel":\d+/, '"fuel":"many"'); }, /at line 1 limits\.fuel: must be an integer/],
    ['call size', (l) => { l[1] = l[1]!.replace(/"size":"\d+"/, '"size":"banana"'); }, /at line 2 size: must be a decimal string, got "banana"/],
    ['call size with a leading zero', (l) => { l[1] = l[1]!.replace(/"size":"(\d+)"/, '"size":"0$1"'); }, /at line 2 size: must be a decimal string/],
    ['call size above 2^64-1', (l) => { l[1] = l[1]!.replace(/"size":"\d+"/, '"size":"18446744073709551616"'); }, /at line 2 size: 18446744073709551616 does not fit in 64 bits/],
    ['call protected', (l) => { l[1] = l[1]!.replace('"protected":false', '"protected":"no"'); }, /at line 2 protected: must be true or false/],
    ['call op', (l) => { l[1] = l[1]!.replace('"op":"alloc"', '"op":"malloc"'); }, /at line 2 op: must be one of alloc/],
    ['call cpu', (l) => { l[1] = l[1]!.replace(/"cpu":"\w+"/, '"cpu":"sideways"'); }, /at line 2 cpu: must be one of none, read, write, readwrite/],
    ['call n missing', (l) => { l[1] = l[1]!.replace('"n":0,', ''); }, /at line 2 n: missing/],
    ['event access', (l) => { l[2] = l[2]!.replace(/"access":\d+/, '"access":7'); }, /at line 3 access: must be an integer from 0 to 3/],
    ['event state', (l) => { l[2] = l[2]!.replace(/"state":"[0-9a-f]{64}"/, '"state":"ABC"'); }, /at line 3 state: must be 64 lowercase hex digits/],
    ['event kind', (l) => { l[2] = l[2]!.replace('"kind":"PLACE"', '"kind":"PLACEMENT"'); }, /at line 3 kind: must be one of PLACE/],
    ['event usage', (l) => { l[2] = l[2]!.replace(/"usage":\[/, '"usage":[1,'); }, /at line 3 usage: \d+ entries|at line 3 usage\[0\]: must be a decimal string/],
    ['answer op value', (l) => { l[3] = l[3]!.replace(/"value":"(\d+)"/, '"value":$1'); }, /at line 4 ops\[0\]\.value: must be a decimal string/],
    ['answer op kind', (l) => { l[3] = l[3]!.replace('"kind":"ALLOC"', '"kind":"GRAB"'); }, /at line 4 ops\[0\]\.kind: must be one of/],
    ['answer explain', (l) => { l[3] = l[3]!.replace('"explain":[[', '"explain":[["x",'); }, /at line 4 explain\[0\]/],
    ['result ok', (l) => { l[4] = l[4]!.replace('"ok":true', '"ok":"yes"'); }, /at line 5 ok: must be true or false, got "yes"/],
    ['result op', (l) => { l[4] = l[4]!.replace('"op":0', '"op":-1'); }, /at line 5 op: must be an integer from 0/],
    ['result errno on success', (l) => { l[5] = '{"t":"result","i":0,"op":1,"ok":true,"errno":12}'; }, /at line 6 errno: only a failed result/],
    ['fault kind', (l) => { l[3] = '{"t":"fault","i":0,"kind":"oops","message":"x"}'; l.splice(4, 2); }, /at line 4 kind: must be one of trap, abort, status, invalid-op, fuel/],
    ['log fd', (l) => { l.splice(3, 0, '{"t":"log","i":0,"fd":3,"text":"x"}'); }, /at line 4 fd: must be an integer from 1 to 2/],
    ['swap reason', (l) => { l.splice(6, 0, swapLine(1, 'whim')); }, /at line 7 reason: must be one of explicit, fault/],
    ['end calls', (l) => { l[l.length - 1] = l.at(-1)!.replace(/"calls":(\d+)/, '"calls":"$1"'); }, /at line \d+ calls: must be an integer/],
    ['an unknown line type', (l) => { l.splice(6, 0, '{"t":"note","i":0}'); }, /at line 7: unknown line type "note"/],
  ])('%s', async (_n, damage, msg) => {
    await refused(damaged(damage), msg);
  });
});

describe('the CLI', () => {
  it('replay and diff refuse a mistyped size with the file, line and field (exit 2)', () => {
    const f = damaged((l) => { l[1] = l[1]!.replace(/"size":"\d+"/, '"size":"banana"'); });
    for (const args of [['replay', f], ['diff', f, '--policy', 'default', '--policy', 'naive']]) {
      const r = heapwise(args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`${f} at line 2 size: must be a decimal string, got "banana"`);
    }
  });

  it.each(['abc', '-3', '1.5', ''])('diff --first %j is refused (exit 2)', (first) => {
    const f = damaged(() => {});
    const r = heapwise(['diff', f, '--policy', 'default', '--policy', 'naive', '--first', first]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('--first: must be a non-negative integer');
  });
});
