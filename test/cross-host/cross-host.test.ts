// Node, Deno and C on the same sessions: each host records every scenario, the three
// recordings are the same but for what names each host's own files (hostNeutral), each host
// replays every host's recording identically, and the recordings are the golden traces under
// test/traces/ (HEAPWISE_UPDATE_GOLDEN=1 rewrites those). The scenarios:
//   cma-fallback   the default policy through an ENOMEM fallback and a buffer nothing fits
//   fuel-meter     test/traces/fuel-meter.wat under 3000 fuel units per call: it runs out while
//                  placing the 16 MiB buffer, the default policy takes over (a swap line)
//   default-debug  the debug build of the default policy: same decisions, and log lines
// and fuel counted to the unit: the smallest budget that passes the 8 MiB PLACE, found in Node,
// passes it in Deno and C too, and one unit less runs out at that very event in all three.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compilePolicy } from '../../host/compile/compile.js';
import { faultLine, logLine, swapLine } from '../../host/trace/lines.js';
import { buildC } from '../c/helpers.js';
import { wat } from '../support/modules.js';
import { checkGolden, GOLDEN_DIR } from './golden.js';
import {
  cRecord, cReplay, denoRecord, denoReplay, HOSTS, hostNeutral, linesOf, nodeRecord, nodeReplay, ROOT,
  type Host, type ReplayResult, type Scenario,
} from './hosts.js';

const work = mkdtempSync(join(tmpdir(), 'heapwise-cross-host-'));
const at = (rel: string) => join(ROOT, rel);

const SCENARIOS: Record<string, Scenario> = {
  'cma-fallback': { workload: at('test/c/fixtures/cma-fallback.json'), policy: at('policies/default/build/default.wasm'), cPolicy: 'default' },
  'fuel-meter': {
    workload: at('test/cross-host/workloads/fuel-meter.json'), policy: join(work, 'fuel-meter.wasm'), cPolicy: 'fuel-meter.so', fuel: 3000, fallback: true,
  },
  'default-debug': {
    workload: at('test/c/fixtures/cma-fallback.json'), policy: at('policies/default/build/default.debug.wasm'), cPolicy: 'default.debug.so', log: true,
  },
};
const NAMES = Object.keys(SCENARIOS);
const trace = (name: string, host: Host) => join(work, `${name}.${host}.jsonl`);

/** Index of the first fault line of a trace, or null. */
const firstFault = (lines: string[]): number | null => {
  const f = lines.find((l) => l.startsWith('{"t":"fault"'));
  return f ? (JSON.parse(f) as { i: number }).i : null;
};

let wasmProblem: string | null = null;
/** The smallest budget with which fuel-meter passes event 6 (the 8 MiB PLACE), found in Node. */
let exact = 0;
const boundary = (fuel: number): Scenario => ({ ...SCENARIOS['fuel-meter']!, fuel });
let replays: Record<string, ReplayResult> = {};

beforeAll(async () => {
  buildC();
  // The fuel module is its .wat assembled (binaryen, as the Node tests assemble WAT).
  wasmProblem = checkGolden('fuel-meter.wasm', wat(readFileSync(join(GOLDEN_DIR, 'fuel-meter.wat'), 'utf8')));
  copyFileSync(join(GOLDEN_DIR, 'fuel-meter.wasm'), join(work, 'fuel-meter.wasm'));
  // The C host's modules, by `heapwise compile`.
  await compilePolicy(join(work, 'fuel-meter.wasm'), join(work, 'fuel-meter.so'));
  await compilePolicy(at('policies/default/build/default.debug.wasm'), join(work, 'default.debug.so'));

  const passes = async (fuel: number) => {
    const out = join(work, 'search.node.jsonl');
    await nodeRecord(boundary(fuel), out);
    const f = firstFault(linesOf(out));
    return f === null || f > 6;
  };
  let lo = 1;
  let hi = 3000;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (await passes(mid)) hi = mid;
    else lo = mid + 1;
  }
  exact = lo;

  for (const name of NAMES) {
    await nodeRecord(SCENARIOS[name]!, trace(name, 'node'));
    cRecord(SCENARIOS[name]!, trace(name, 'c'), work);
  }
  for (const fuel of [exact - 1, exact]) {
    await nodeRecord(boundary(fuel), trace(`fuel-${fuel}`, 'node'));
    cRecord(boundary(fuel), trace(`fuel-${fuel}`, 'c'), work);
  }
  denoRecord([
    ...NAMES.map((name) => ({ scenario: SCENARIOS[name]!, out: trace(name, 'deno') })),
    ...[exact - 1, exact].map((fuel) => ({ scenario: boundary(fuel), out: trace(`fuel-${fuel}`, 'deno') })),
  ], work);
  // A debug trace with one log line changed: every host must report the divergence.
  const tampered = join(work, 'tampered.node.jsonl');
  writeFileSync(tampered, readFileSync(trace('default-debug', 'node'), 'utf8').replace(/("t":"log".*?"text":")buffer/, '$1BUFFER'));
  replays = denoReplay([...NAMES.flatMap((name) => HOSTS.map((h) => trace(name, h))), tampered], work);
}, 900_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

async function replayIn(host: Host, name: string, file: string): Promise<ReplayResult> {
  if (host === 'node') return nodeReplay(file);
  if (host === 'c') return cReplay(SCENARIOS[name]!, file, work);
  const r = replays[file];
  if (!r) throw new Error(`Deno did not replay ${file}`);
  return r;
}

describe('golden traces (test/traces/)', () => {
  it('fuel-meter.wasm is fuel-meter.wat assembled', () => {
    expect(wasmProblem).toBeNull();
  });

  it.each(NAMES.flatMap((name) => HOSTS.map((host) => [name, host] as const)))('%s recorded by %s is unchanged', (name, host) => {
    expect(checkGolden(`${name}.${host}.jsonl`, readFileSync(trace(name, host)))).toBeNull();
  });
});

describe.each(NAMES)('%s', (name) => {
  it('Node, Deno and C record the same session', () => {
    const [node, deno, c] = HOSTS.map((h) => hostNeutral(linesOf(trace(name, h))));
    expect(node!.length).toBeGreaterThan(10);
    for (const [host, other] of [['deno', deno!], ['c', c!]] as const) {
      const first = other.findIndex((l, i) => l !== node![i]);
      expect({ host, line: first, [host]: other[first] ?? null, node: node![first] ?? null }).toEqual({ host, line: -1, [host]: null, node: null });
      expect(other.length).toBe(node!.length);
    }
    // Without the normalization: Node and Deno name the modules alike, so only the header's host
    // differs; C too, unless a fault or a swap names a module (its .so, its built-in).
    const raw = HOSTS.map((h) => linesOf(trace(name, h)).slice(1));
    expect(raw[1]).toEqual(raw[0]);
    if (!SCENARIOS[name]!.fallback) expect(raw[2]).toEqual(raw[0]);
  });

  it.each(HOSTS.flatMap((from) => HOSTS.map((to) => [from, to] as const)))('recorded in %s, replays identically in %s', async (from, to) => {
    const r = await replayIn(to, name, trace(name, from));
    expect(r.divergence).toBeNull();
    expect(r.identical).toBe(true);
    expect(r.events).toBe(linesOf(trace(name, from)).filter((l) => l.startsWith('{"t":"event"')).length);
  });
});

describe('fuel', () => {
  it('runs out at the same event in every host, and the default policy takes over', () => {
    for (const host of HOSTS) {
      const lines = linesOf(trace('fuel-meter', host));
      const header = JSON.parse(lines[0]!) as { limits: { fuel: number } };
      expect(header.limits.fuel, host).toBe(3000);
      const faults = lines.filter((l) => l.startsWith('{"t":"fault"')).map((l) => JSON.parse(l) as { i: number; kind: string; message: string });
      expect(faults.map((f) => `${f.i}:${f.kind}`), host).toEqual(['7:fuel']);
      expect(faults[0]!.message, host).toMatch(/^policy module fuel-meter\.(wasm|so): hw_event ran out of fuel: budget of 3000 units exhausted$/);
      const swaps = lines.filter((l) => l.startsWith('{"t":"swap"')).map((l) => JSON.parse(l) as { i: number; reason: string; policy: { name: string } });
      expect(swaps.map((s) => `${s.i}:${s.reason}:${s.policy.name}`), host).toEqual(['8:fault:default']);
    }
  });

  it("the C host's fault and swap lines are the bytes Node's line builders write for their fields", () => {
    const lines = linesOf(trace('fuel-meter', 'c')).filter((l) => l.startsWith('{"t":"fault"') || l.startsWith('{"t":"swap"'));
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      const o = JSON.parse(line);
      expect(o.t === 'fault' ? faultLine(o.i, o.kind, o.message) : swapLine(o.i, o.reason, o.policy)).toBe(line);
    }
  });

  it('is counted to the unit: the same budget passes an event in every host, one unit less runs out there', () => {
    expect(exact).toBeGreaterThan(2048); // 8 MiB / 4096 loop iterations, plus the entries
    expect(exact).toBeLessThan(2100);
    for (const host of HOSTS) {
      expect(firstFault(linesOf(trace(`fuel-${exact - 1}`, host))), `${host}, ${exact - 1} units`).toBe(6);
      expect(firstFault(linesOf(trace(`fuel-${exact}`, host))), `${host}, ${exact} units`).toBe(7);
    }
  });
});

describe('debug build', () => {
  it('writes the same log lines in every host, between each event and its answer', () => {
    const logs = HOSTS.map((h) => linesOf(trace('default-debug', h)).filter((l) => l.startsWith('{"t":"log"')));
    expect(logs[0]!.length).toBeGreaterThan(20);
    expect(logs[1]).toEqual(logs[0]);
    expect(logs[2]).toEqual(logs[0]);
    const header = JSON.parse(linesOf(trace('default-debug', 'c'))[0]!) as { limits: { log: boolean } };
    expect(header.limits.log).toBe(true);
    for (const line of logs[2]!) {
      const o = JSON.parse(line);
      expect(logLine(o.i, o.fd, o.text)).toBe(line);
    }
  });

  it('a changed log line is a divergence in every host', async () => {
    const tampered = join(work, 'tampered.node.jsonl');
    for (const host of HOSTS) {
      const r = await replayIn(host, 'default-debug', tampered);
      expect(r.identical, host).toBe(false);
      expect(JSON.stringify(r.divergence), host).toContain('BUFFER');
    }
  });
});
