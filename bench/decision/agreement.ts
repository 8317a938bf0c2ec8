// Before anything is timed: the native baseline must decide exactly as the WASM policy does
// (chosen heap, size, fallbacks in order with their reasons, every rejection with its device
// and constraint) on the benchmark fixture and on every example request. A baseline that
// decides differently would make the ratio meaningless.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PolicyInstance } from '../../host/module/instance.js';
import type { PolicyModule } from '../../host/module/policy-module.js';
import { encodePlatform } from '../../host/platform/encode.js';
import { parsePlatform } from '../../host/platform/parse.js';
import type { Platform } from '../../host/platform/types.js';
import { decideNative, type NativeDecision } from '../native/default-policy.js';
import { nativeRequest, type BenchRequest } from './request.js';
import { decideWasm, placeEvent } from './wasm-decision.js';

export interface DecisionCase {
  label: string;
  platformFile: string;
  request: BenchRequest;
}

const readJson = (f: string): unknown => JSON.parse(readFileSync(f, 'utf8'));

const CPU = ['none', 'read', 'write', 'readwrite'] as const;

/**
 * The fixture, then examples/requests/<platform>-<what>.json on examples/platforms/<platform>.json,
 * each also with every other CPU use and with protection flipped (more branches of the policy:
 * cached/uncached ranking, NO_CPU_ACCESS, protected heaps and devices).
 */
export function decisionCases(root: string): DecisionCase[] {
  const cases: DecisionCase[] = [{
    label: 'bench/fixtures/camera-preview-request.json',
    platformFile: join(root, 'bench/fixtures/camera-soc.json'),
    request: readJson(join(root, 'bench/fixtures/camera-preview-request.json')) as BenchRequest,
  }];
  const platforms = readdirSync(join(root, 'examples/platforms')).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));
  platforms.sort((a, b) => b.length - a.length); // longest platform name wins (rock5b vs rock5b-x)
  for (const file of readdirSync(join(root, 'examples/requests')).filter((f) => f.endsWith('.json')).sort()) {
    const platform = platforms.find((p) => file.startsWith(`${p}-`));
    if (!platform) throw new Error(`examples/requests/${file} names no example platform`);
    const request = readJson(join(root, `examples/requests/${file}`)) as BenchRequest;
    const platformFile = join(root, `examples/platforms/${platform}.json`);
    cases.push({ label: `examples/requests/${file}`, platformFile, request });
    for (const prot of [false, true]) {
      for (const cpu of CPU) {
        if (cpu === (request.cpu ?? 'none') && prot === !!request.protected) continue;
        cases.push({ label: `examples/requests/${file} (cpu ${cpu}${prot ? ', protected' : ''})`, platformFile, request: { ...request, cpu, protected: prot } });
      }
    }
  }
  return cases;
}

/** A text form of a decision that compares equal exactly when the decisions are equal. */
export function decisionKey(d: NativeDecision): string {
  return JSON.stringify([d.heap, d.size, d.fdFlags, d.failure, d.ranking.map((r) => [r.heap, r.code, r.device]), d.rejected.map((r) => [r.heap, r.device, r.code, r.detail])]);
}

export interface Agreement {
  cases: number;
  disagreements: { label: string; wasm: string; native: string }[];
}

export function checkAgreement(mod: PolicyModule, cases: DecisionCase[]): Agreement {
  const disagreements: Agreement['disagreements'] = [];
  const platforms = new Map<string, { p: Platform; inst: PolicyInstance }>();
  for (const c of cases) {
    let entry = platforms.get(c.platformFile);
    if (!entry) {
      const p = parsePlatform(readJson(c.platformFile), c.platformFile);
      const inst = PolicyInstance.create(mod);
      inst.init(encodePlatform(p));
      entry = { p, inst };
      platforms.set(c.platformFile, entry);
    }
    const wasm = decisionKey(decideWasm(entry.inst, entry.p, placeEvent(entry.p, c.request)));
    const native = decisionKey(decideNative(entry.p, nativeRequest(entry.p, c.request)));
    if (wasm !== native) disagreements.push({ label: c.label, wasm, native });
  }
  return { cases: cases.length, disagreements };
}
