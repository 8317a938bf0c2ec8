// Decision latency in a TypeScript host (Node or Deno: the same file runs under both): the
// default policy as WASM against the same policy in plain TypeScript, on the typical request,
// after checking that both decide alike on the fixture and every example request.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../../host/engine/engine.js';
import { PolicyInstance } from '../../host/module/instance.js';
import { PolicyModule } from '../../host/module/policy-module.js';
import { encodePlatform } from '../../host/platform/encode.js';
import { parsePlatform } from '../../host/platform/parse.js';
import { benchArgs, emit, note } from '../lib/args.js';
import { timeInterleaved } from '../lib/batches.js';
import { decideNative } from '../native/default-policy.js';
import { checkAgreement, decisionCases } from './agreement.js';
import { breakdownSubjects } from './breakdown.js';
import { nativeRequest, type BenchRequest } from './request.js';
import { decideWasm, placeEvent } from './wasm-decision.js';

const args = benchArgs();
const root = args.root;
const host = args.values.host ?? 'node';
const mod = await PolicyModule.compile(readFileSync(join(root, 'policies/default/build/default.wasm')), { label: 'default' });

const agreement = checkAgreement(mod, decisionCases(root));
if (agreement.disagreements.length) {
  for (const d of agreement.disagreements) note(`DISAGREE ${d.label}\n  wasm   ${d.wasm}\n  native ${d.native}`);
  emit({ host, agreement });
  process.exit(3);
}
note(`${host}: native and WASM policies agree on ${agreement.cases} requests`);

const p = parsePlatform(JSON.parse(readFileSync(join(root, 'bench/fixtures/camera-soc.json'), 'utf8')), 'camera-soc.json');
const request = JSON.parse(readFileSync(join(root, 'bench/fixtures/camera-preview-request.json'), 'utf8')) as BenchRequest;
const inst = PolicyInstance.create(mod);
inst.init(encodePlatform(p));
const ev = placeEvent(p, request);
const nreq = nativeRequest(p, request);

const plan = args.quick ? { batchSize: 500, batches: 40, warmup: 10 } : { batchSize: 1000, batches: 400, warmup: 40 };
const main = timeInterleaved({
  wasm: (n) => { let s = 0; for (let i = 0; i < n; i++) s += decideWasm(inst, p, ev).heap; return s; },
  native: (n) => { let s = 0; for (let i = 0; i < n; i++) s += decideNative(p, nreq).heap; return s; },
}, plan);

const breakdown = timeInterleaved(breakdownSubjects(mod, inst, p, ev), { ...plan, batches: Math.ceil(plan.batches / 4) });

// What an application pays per placement through the public API: allocate (PLACE, ALLOC on the
// model backend) and free (FREE event, close); then the same with the Decision read, which
// writes its sentences (they are built on first read).
const engine = Engine.create(mod, p, { fallback: null });
const engineReq = { ...request, devices: [...request.devices] };
const app = timeInterleaved({
  'Engine.allocate + free (model backend)': (n) => {
    let s = 0;
    for (let i = 0; i < n; i++) { const b = engine.allocate(engineReq); s += b.heapIndex; engine.free(b); }
    return s;
  },
  'Engine.allocate + free, Decision read (sentences written)': (n) => {
    let s = 0;
    for (let i = 0; i < n; i++) { const b = engine.allocate(engineReq); s += b.decision!.rejected.length; engine.free(b); }
    return s;
  },
}, { ...plan, batchSize: Math.ceil(plan.batchSize / 4), batches: Math.ceil(plan.batches / 4) });
engine.dispose();

emit({ host, agreement, decision: main, ratio: { p50: main.wasm!.p50 / main.native!.p50, p99: main.wasm!.p99 / main.native!.p99 }, breakdown, app });
