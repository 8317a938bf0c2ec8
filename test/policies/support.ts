// Checks every vendor policy must pass, shared by the test files of test/policies/: the module
// loads; over random platforms the chosen heap and fallbacks satisfy every hard constraint and
// equal the policy's rules as its README states them (a TypeScript model written from the README,
// not from the module); every example request on its board; the bundled workloads with 0 referee
// violations.
import { it, expect } from 'vitest';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Engine } from '../../host/engine/engine.js';
import type { AllocateRequest } from '../../host/engine/buffer.js';
import type { Decision } from '../../host/engine/decision.js';
import { loadPlatformFile } from '../../host/platform/parse.js';
import { loadRequestFile } from '../../host/input/request.js';
import type { Platform, HeapSpec } from '../../host/platform/types.js';
import { simulate, type SimulationReport } from '../../host/simulate/run.js';
import { loadWorkloadFile } from '../../host/simulate/workload.js';
import { policy, ROOT } from '../support/modules.js';
import { platform, examplePlatformFiles, EXAMPLES } from '../support/platforms.js';
import { placementCaseArb } from '../support/arbitraries.js';
import { violatedConstraint } from '../../host/authoring/hard-constraints.js';
import { heapwise } from '../support/cli.js';

/** The heaps a policy keeps for a request on a fresh engine, best first ([] = FAIL). */
export type Rules = (p: Platform, req: AllocateRequest) => string[];

export const HARD_CODES = ['DMA_MASK', 'NOT_CONTIGUOUS', 'NOT_PROTECTED', 'DEVICE_NOT_PROTECTED', 'PROTECTED_HEAP', 'NO_CPU_ACCESS', 'TOO_LARGE'];

export async function decide(name: string, plat: object | Platform, req: AllocateRequest): Promise<Decision> {
  const e = Engine.create(await policy(name), 'heapIndex' in plat ? (plat as Platform) : platform(plat));
  const d = e.allocate(req).decision!;
  e.dispose();
  return d;
}

export const kept = (d: Decision): string[] => (d.heap === null ? [] : [d.heap, ...d.fallbacks]);
export const rejection = (d: Decision, heap: string) => d.rejected.find((r) => r.heap === heap);
export const heapNamed = (p: Platform, name: string): HeapSpec => p.heaps[p.heapIndex.get(name)!]!;

/** Heaps of `p` that satisfy every hard constraint for `req`, in platform order. */
export function fitting(p: Platform, req: AllocateRequest): HeapSpec[] {
  return p.heaps.filter((h) => violatedConstraint(p, req, h) === null);
}

/** Attached devices of `req` in platform order (the order the module sees them in). */
export function attached(p: Platform, req: AllocateRequest) {
  return p.devices.filter((d) => req.devices.includes(d.name));
}

/** Sorts heaps by key, ties in platform order (as the SDK's commit does). */
export function byKey(heaps: HeapSpec[], key: (h: HeapSpec) => number): string[] {
  return [...heaps].sort((a, b) => key(a) - key(b) || a.index - b.index).map((h) => h.name);
}

/**
 * Random platforms and requests (test/support/arbitraries.ts) whose heaps and devices carry names
 * drawn from the given pools, so that name-based rules fire (pools: at least 8 heap names, 6
 * device names).
 */
export function namedCaseArb(heapNames: string[], deviceNames: string[] = ['dev0', 'dev1', 'dev2', 'dev3', 'dev4', 'dev5']) {
  return placementCaseArb.chain(({ platform: pj, request }) =>
    fc.tuple(
      fc.shuffledSubarray(heapNames, { minLength: pj.heaps.length, maxLength: pj.heaps.length }),
      fc.shuffledSubarray(deviceNames, { minLength: pj.devices.length, maxLength: pj.devices.length }),
      fc.option(fc.constantFrom('cam0-frame', 'osd'), { nil: undefined }),
    ).map(([hn, dn, name]) => {
      const heapName = (old: string) => hn[Number(old.slice(4))]!;
      const devName = (old: string) => dn[Number(old.slice(3))]!;
      const heaps = pj.heaps.map((h) => ({ ...h, name: heapName(h.name as string) }));
      const devices = pj.devices.map((d) => {
        const { preferredHeaps, ...rest } = d as { preferredHeaps?: string[]; name: string };
        return { ...rest, name: devName(rest.name), ...(preferredHeaps ? { preferredHeaps: preferredHeaps.map(heapName) } : {}) };
      });
      const req: AllocateRequest = { ...request, devices: request.devices.map(devName), ...(name ? { name } : {}) };
      return { platform: { ...pj, heaps, devices }, request: req };
    }),
  );
}

/** Property: hard constraints hold for every kept heap, the kept heaps equal `rules`, every other heap is rejected with a reason. */
export function itFollowsItsRules(name: string, arb: ReturnType<typeof namedCaseArb>, rules: Rules, extra?: (p: Platform, req: AllocateRequest, d: Decision) => void) {
  it('over random platforms: kept heaps satisfy every hard constraint and follow the README rules; every other heap has a reason', async () => {
    const mod = await policy(name);
    fc.assert(
      fc.property(arb, ({ platform: pj, request }) => {
        const p = platform(pj);
        const e = Engine.create(mod, p);
        const d = e.allocate(request).decision!;
        e.dispose();
        const k = kept(d);
        for (const h of k) expect(violatedConstraint(p, request, heapNamed(p, h)), h).toBeNull();
        expect(k).toEqual(rules(p, request));
        expect(d.rejected.map((r) => r.heap).sort()).toEqual(p.heaps.map((h) => h.name).filter((n) => !k.includes(n)).sort());
        for (const r of d.rejected) {
          expect(r.reason.length).toBeGreaterThan(10);
          // A heap that breaks a hard constraint says so; one that does not was dropped by a policy rule.
          const broken = violatedConstraint(p, request, heapNamed(p, r.heap)) !== null;
          expect(HARD_CODES.includes(r.code), `${r.heap}: ${r.code}`).toBe(broken);
        }
        extra?.(p, request, d);
      }),
      { numRuns: 300 },
    );
  });
}

const validateDecision = new Ajv2020({ strict: false }).compile(JSON.parse(readFileSync(join(ROOT, 'schemas/decision.schema.json'), 'utf8')));

/** Every example request with its board (longest board-name prefix), as the examples test pairs them. */
export function exampleRequests(): { file: string; board: string }[] {
  const boards = examplePlatformFiles().map((f) => f.replace(/\.json$/, ''));
  return readdirSync(join(EXAMPLES, 'requests')).filter((f) => f.endsWith('.json')).sort().map((file) => ({
    file, board: boards.filter((b) => file.startsWith(`${b}-`)).sort((a, b) => b.length - a.length)[0]!,
  }));
}

/** Each example request on its board: a schema-valid decision, kept heaps equal to `rules`, and `expected[request]` when given. */
export function itDecidesTheExamples(name: string, rules: Rules, expected: Record<string, string | null>) {
  it.each(exampleRequests())('$file', async ({ file, board }) => {
    const p = loadPlatformFile(join(EXAMPLES, 'platforms', `${board}.json`));
    const req = { ...loadRequestFile(join(EXAMPLES, 'requests', file), p), deferred: false };
    const d = await decide(name, p, req);
    expect(validateDecision(JSON.parse(JSON.stringify(d))), JSON.stringify(validateDecision.errors)).toBe(true);
    expect(d.policy.name).toBe(name);
    expect(kept(d)).toEqual(rules(p, req));
    for (const h of kept(d)) expect(violatedConstraint(p, req, heapNamed(p, h))).toBeNull();
    const key = file.replace(/\.json$/, '');
    if (key in expected) expect(d.heap).toBe(expected[key]);
  });
}

export const WORKLOADS = readdirSync(join(EXAMPLES, 'workloads')).filter((f) => f.endsWith('.json')).sort();

/** Runs a bundled workload through the policy. */
export async function runWorkload(name: string, file: string): Promise<SimulationReport> {
  return simulate(loadWorkloadFile(join(EXAMPLES, 'workloads', file)), await policy(name));
}

/**
 * Every bundled workload: 0 referee violations, balanced START/END, and for a policy that
 * brackets every CPU access exactly naive's count when every buffer was placed.
 */
export function itRunsTheWorkloads(name: string, bracketsEveryAccess: boolean) {
  it.each(WORKLOADS)('%s: 0 referee violations', async (file) => {
    const w = loadWorkloadFile(join(EXAMPLES, 'workloads', file));
    const r = simulate(w, await policy(name));
    expect(r.violations).toEqual([]);
    expect(r.events).toBe(w.length);
    expect(r.syncs.start).toBe(r.syncs.end);
    expect(r.syncs.issued).toBeLessThanOrEqual(r.syncs.naive);
    if (bracketsEveryAccess && r.failures === 0) expect(r.syncs.issued).toBe(r.syncs.naive);
  });
}

/** `heapwise inspect` accepts the built module, with its identity and no import but abort (a module that never aborts has none). */
export function itLoads(name: string) {
  it('heapwise inspect accepts the module', () => {
    const r = heapwise(['inspect', `policies/${name}/build/${name}.wasm`, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep).toMatchObject({ abi: { major: 1, minor: 0 }, name, version: '1.0.0', accepted: true, refusal: null });
    for (const imp of rep.imports) expect(imp).toEqual({ module: 'env', name: 'abort', kind: 'function' });
    expect(rep.imports.length).toBeLessThanOrEqual(1);
    expect(rep.exports.map((x: { name: string }) => x.name)).toEqual(expect.arrayContaining(['memory', 'hw_abi_version', 'hw_policy_name', 'hw_policy_version', 'hw_input', 'hw_output', 'hw_init', 'hw_event']));
  });
}
