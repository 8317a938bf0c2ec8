// Measures the candidate decision-path changes (lean-codec.ts, view-decision.ts) against
// host/engine/answer.ts in the same process: first every variant must give the host's exact
// Outcome on every example request and on every event of the bundled workloads (the view sketch:
// the same decision on every example request); then each variant's whole decision is timed
// beside the host's and the native TypeScript policy.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventRecord } from '../../host/engine/engine.js';
import { answer } from '../../host/engine/answer.js';
import { PolicyInstance } from '../../host/module/instance.js';
import type { PolicyModule } from '../../host/module/policy-module.js';
import { encodePlatform } from '../../host/platform/encode.js';
import { parsePlatform } from '../../host/platform/parse.js';
import type { Platform } from '../../host/platform/types.js';
import { simulate } from '../../host/simulate/run.js';
import { loadWorkloadFile } from '../../host/simulate/workload.js';
import { decisionCases } from '../decision/agreement.js';
import { decisionKey } from '../decision/agreement.js';
import { decideWasm, decisionOf, placeEvent } from '../decision/wasm-decision.js';
import { benchArgs, emit } from '../lib/args.js';
import { timeInterleaved, type Subject } from '../lib/batches.js';
import { calibration, loadFixture, loadPolicy } from '../lib/fixture.js';
import { answerLean, type LeanSteps } from './lean-codec.js';
import { decideView } from './view-decision.js';

const VARIANTS: Record<string, LeanSteps> = {
  '+ shared decoder, ASCII names': { decoder: true, tables: false, views: false, invoke: false },
  '+ validation from platform tables': { decoder: true, tables: true, views: false, invoke: false },
  '+ Uint32Array explains, loop usage': { decoder: true, tables: true, views: true, invoke: false },
  '+ lean PolicyInstance.event': { decoder: true, tables: true, views: true, invoke: true },
};

const args = benchArgs();
const mod = await loadPolicy(args.root);

/** Every PLACE of the examples and every event the bundled workloads hand the module. */
function corpus(m: PolicyModule): { p: Platform; ev: EventRecord }[] {
  const out: { p: Platform; ev: EventRecord }[] = [];
  for (const c of decisionCases(args.root)) {
    const p = parsePlatform(JSON.parse(readFileSync(c.platformFile, 'utf8')), c.platformFile);
    out.push({ p, ev: placeEvent(p, c.request) });
  }
  const dir = join(args.root, 'examples/workloads');
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) {
    const w = loadWorkloadFile(join(dir, f));
    simulate(w, m, { engineHook: (e) => { e.observe({ onAnswer: (ev) => { out.push({ p: w.platform, ev }); } }); } });
  }
  return out;
}

const instances = new Map<Platform, PolicyInstance>();
const instanceFor = (p: Platform) => {
  let i = instances.get(p);
  if (!i) { i = PolicyInstance.create(mod); i.init(encodePlatform(p)); instances.set(p, i); }
  return i;
};
const events = corpus(mod);
const mismatches: string[] = [];
const text = (o: unknown) => JSON.stringify(o, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? [...v] : v));
for (const { p, ev } of events) {
  const inst = instanceFor(p);
  if (ev.kind === 1 && decisionKey(decideView(inst, p, ev)) !== decisionKey(decideWasm(inst, p, ev)) && mismatches.length < 5) {
    mismatches.push(`view decision: event ${ev.index} buf ${ev.buf}`);
  }
  const want = text(answer(inst, p, ev, 64));
  for (const [name, steps] of Object.entries(VARIANTS)) {
    const got = text(answerLean(inst, p, ev, 64, steps));
    if (got !== want && mismatches.length < 5) mismatches.push(`${name}: event ${ev.index} kind ${ev.kind} buf ${ev.buf}\n  host ${want}\n  lean ${got}`);
  }
}
if (mismatches.length) {
  emit({ checked: events.length, mismatches });
  process.exit(3);
}

const f = loadFixture(args.root);
const inst = PolicyInstance.create(mod);
inst.init(encodePlatform(f.platform));
const ev = placeEvent(f.platform, f.request);
// Whole decisions (answer + chosen heap, fallbacks, rejections), as bench/decision/latency.ts times them.
const HOST = 'host answer()';
const subjects: Record<string, Subject> = {
  [HOST]: (n) => { let s = 0; for (let i = 0; i < n; i++) s += decideWasm(inst, f.platform, ev).heap; return s; },
};
for (const [name, steps] of Object.entries(VARIANTS)) {
  subjects[name] = (n) => { let s = 0; for (let i = 0; i < n; i++) s += decisionOf(answerLean(inst, f.platform, ev, 64, steps)).heap; return s; };
}
subjects['view decision (nothing materialized)'] = (n) => { let s = 0; for (let i = 0; i < n; i++) s += decideView(inst, f.platform, ev).heap; return s; };
subjects['native TypeScript decision'] = calibration(f);
const plan = args.quick ? { batchSize: 500, batches: 30, warmup: 5 } : { batchSize: 1000, batches: 200, warmup: 20 };
const t = timeInterleaved(subjects, plan);
const host = t[HOST]!.p50;
emit({
  checked: events.length,
  timings: t,
  gainNs: Object.fromEntries(Object.keys(subjects).filter((k) => k !== HOST && !k.startsWith('native')).map((k) => [k, host - t[k]!.p50])),
  ratioToNative: Object.fromEntries(Object.keys(subjects).map((k) => [k, t[k]!.p50 / t['native TypeScript decision']!.p50])),
});
