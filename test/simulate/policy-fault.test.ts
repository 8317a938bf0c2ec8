// simulate when the policy faults: with a fallback the session goes on as in production and the
// trace holds the fault and the swap; without one the session stops at the fault, and the trace,
// the report and the JSON are still written whole. Either way exit 1, and the trace replays.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulate as simulateCli } from '../../host/cli/simulate.js';
import { simulate } from '../../host/simulate/run.js';
import { loadWorkloadFile } from '../../host/simulate/workload.js';
import { heapwise } from '../support/cli.js';
import { policy, ROOT } from '../support/modules.js';

const dir = mkdtempSync(join(tmpdir(), 'heapwise-sim-fault-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The trap and abort fixtures fault while placing exactly 12345 bytes: workload event 2.
const WORKLOAD = join(dir, 'w.json');
writeFileSync(WORKLOAD, JSON.stringify({
  platform: join(ROOT, 'examples/platforms/rpi4.json'),
  setup: [
    { op: 'alloc', buf: 'a', size: 4096, devices: ['isp'], cpu: 'write' },
    { op: 'cpu', buf: 'a', access: 'write' },
    { op: 'alloc', buf: 'b', size: 12345, devices: ['isp'], cpu: 'read' },
    { op: 'device', buf: 'b', device: 'isp', access: 'write' },
    { op: 'cpu', buf: 'b', access: 'read' },
  ],
  loop: [],
  iterations: 0,
  teardown: [{ op: 'free', buf: 'a' }, { op: 'free', buf: 'b' }],
}));
const TRAP = 'test/fixtures/policies/trap/build/trap.wasm';

const lines = (file: string) => readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
const leftovers = () => readdirSync(dir).filter((f) => f.includes('.tmp-'));

describe('simulate: a policy fault with the fallback (default: the built-in default policy)', () => {
  it.each(['t.jsonl', 't.hwtrace'])('%s: the session completes, the trace holds fault and swap and replays identically, exit 1', (name) => {
    const trace = join(dir, `fallback-${name}`);
    const r = heapwise(['simulate', '--workload', WORKLOAD, '--policy', TRAP, '--record', trace, '--json']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`policy module ${TRAP}: hw_event trapped`);
    expect(r.stderr).toMatch(/at workload event 2, buffer b \(trace event 3\); the fallback default \S+ served the rest of the session/);
    const rep = JSON.parse(r.stdout);
    expect(rep.policy.name).toBe('trap');
    expect(rep.events).toBe(7);
    expect(rep.faults).toEqual([expect.objectContaining({ event: 2, buf: 'b', engineEvent: 3, kind: 'trap', module: TRAP, fallback: expect.objectContaining({ name: 'default' }) })]);
    expect(rep.allocations).toEqual({ 'linux,cma': 2 });

    const text = name.endsWith('.hwtrace') ? heapwise(['trace', 'dump', trace]).stdout : readFileSync(trace, 'utf8');
    const ls = text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const at = ls.findIndex((l) => l.t === 'fault');
    expect(ls[at]).toMatchObject({ t: 'fault', i: 3, kind: 'trap' });
    expect(ls[at + 1]).toMatchObject({ t: 'swap', i: 4, reason: 'fault', policy: { name: 'default' } });
    expect(ls.filter((l) => l.t === 'call' && l.op === 'free')).toHaveLength(2);
    expect(ls.at(-1)).toEqual({ t: 'end', calls: 10, events: 11 });

    const rp = heapwise(['replay', trace]);
    expect(rp.code, rp.stderr).toBe(0);
    expect(rp.stdout).toMatch(/^identical: 11 events/);
    expect(leftovers()).toEqual([]);
  });

  it.each([['trap', 'trap'], ['abort', 'abort']])('library: %s faults are reported and the fallback serves the rest', async (fixture, kind) => {
    const r = simulate(loadWorkloadFile(WORKLOAD), await policy(fixture), { fallback: await policy('default') });
    expect(r.faults).toEqual([expect.objectContaining({ event: 2, kind, fallback: expect.objectContaining({ name: 'default' }) })]);
    expect(r.events).toBe(7);
    expect(r.policy.name).toBe(fixture);
  });

  it('library: an invalid op (bad-heap) faults at the first placement', async () => {
    const r = simulate(loadWorkloadFile(WORKLOAD), await policy('bad-heap'), { fallback: await policy('default') });
    expect(r.faults[0]).toMatchObject({ event: 0, buf: 'a', kind: 'invalid-op' });
    expect(r.faults).toHaveLength(1);
  });
});

describe('simulate --fallback none: the fault ends the session, everything is still written whole', () => {
  it('the trace ends with fault and end and replays (the fault reproduced), JSON and report written, exit 1 naming module and event', async () => {
    const trace = join(dir, 'none.jsonl');
    const html = join(dir, 'none.html');
    const out: string[] = [];
    const err: string[] = [];
    const so = vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out.push(String(s)); return true; });
    const se = vi.spyOn(process.stderr, 'write').mockImplementation((s) => { err.push(String(s)); return true; });
    let code: number;
    try {
      code = await simulateCli({ workload: WORKLOAD, policy: TRAP, fallback: 'none', record: trace, report: html, json: true });
    } finally {
      so.mockRestore();
      se.mockRestore();
    }
    expect(code, err.join('')).toBe(1);
    expect(err.join('')).toMatch(new RegExp(`^heapwise: policy module ${TRAP}: hw_event trapped: unreachable \\(trap\\) at workload event 2, buffer b \\(trace event 3\\); no fallback took over: the session stopped at that event and the trace ${trace} ends with the fault\\n$`));
    const rep = JSON.parse(out.join(''));
    expect(rep.events).toBe(3);
    expect(rep.faults).toEqual([expect.objectContaining({ event: 2, buf: 'b', engineEvent: 3, kind: 'trap', fallback: null })]);
    expect(readFileSync(html, 'utf8')).toMatch(/<\/html>\s*$/);

    const ls = lines(trace);
    expect(ls.at(-2)).toMatchObject({ t: 'fault', i: 3, kind: 'trap' });
    expect(ls.at(-1)).toEqual({ t: 'end', calls: 4, events: 4 });
    expect(ls.some((l) => l.t === 'swap')).toBe(false);
    const rp = heapwise(['replay', trace]);
    expect(rp.code, rp.stderr).toBe(0);
    expect(rp.stdout).toMatch(/^identical: 4 events/);
    expect(leftovers()).toEqual([]);
  });

  it('library: without a fallback simulate returns the report up to the fault instead of throwing', async () => {
    const r = simulate(loadWorkloadFile(WORKLOAD), await policy('trap'));
    expect(r.events).toBe(3);
    expect(r.faults).toEqual([expect.objectContaining({ event: 2, fallback: null })]);
    expect(r.allocations).toEqual({ 'linux,cma': 1 });
  });
});
