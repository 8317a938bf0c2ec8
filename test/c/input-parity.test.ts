// The Node and C hosts read the same platform, request and workload files the same way: after
// random changes to one, both refuse it with the same message (file, JSON path and words, exit
// 2), or both go on with equal results (the same decision, exit 0 or 3 when nothing fits; the
// same trace of a workload, header included). The C parsers are hand-written (jansson), the Node
// ones a JSON Schema (Ajv) plus checks; this is where the two would drift apart.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../host/engine/engine.js';
import { HeapwiseError } from '../../host/errors.js';
import { loadRequestFile } from '../../host/input/request.js';
import { loadPolicyFile } from '../../host/module/load-file.js';
import type { PolicyModule } from '../../host/module/policy-module.js';
import { loadPlatformFile } from '../../host/platform/parse.js';
import { simulate } from '../../host/simulate/run.js';
import { loadWorkloadFile } from '../../host/simulate/workload.js';
import { TraceRecorder } from '../../host/trace/recorder.js';
import { buildC, ROOT, runDriver } from './helpers.js';
import { applyChange, jsonChange, jsonText, type Json, type JsonChange } from './json-change.js';

const tmp = mkdtempSync(join(tmpdir(), 'heapwise-input-parity-'));
let n = 0;
const file = (doc: Json | string) => {
  const f = join(tmp, `in${n++}.json`);
  writeFileSync(f, typeof doc === 'string' ? doc : jsonText(doc));
  return f;
};

const platformFile = join(ROOT, 'examples/platforms/rpi4.json');
const requestFile = join(ROOT, 'examples/requests/rpi4-camera-frame.json');
const workloadFile = join(ROOT, 'examples/workloads/camera-isp-display.json');
const platform = JSON.parse(readFileSync(platformFile, 'utf8')) as Json;
const request = JSON.parse(readFileSync(requestFile, 'utf8')) as Json;
const workloadJson = JSON.parse(readFileSync(workloadFile, 'utf8'));
// The workload names its platform relative to itself: absolute here, so a copy elsewhere finds
// it; and the same workload with the platform inline.
const workload = { ...workloadJson, platform: platformFile } as Json;
const inline = { ...workloadJson, platform } as Json;

let policy: PolicyModule;
beforeAll(async () => {
  buildC();
  policy = await loadPolicyFile('default');
}, 600_000);

// PARITY_RUNS=3000 for a deeper run by hand (the workload properties run a third of it).
const RUNS = Number(process.env.PARITY_RUNS ?? 150);
const changes = fc.array(jsonChange, { minLength: 1, maxLength: 3 });

/** One to three changes to `doc`, each to the document the previous ones left. */
function apply(doc: Json, cs: JsonChange[]): { doc: Json; what: string } {
  let d = doc;
  const what: string[] = [];
  for (const c of cs) {
    const next = applyChange(d, c);
    d = next.doc;
    what.push(next.what);
  }
  return { doc: d, what: what.join('; ') };
}

/** Every object (not array) of `doc` with at least one key, in document order. */
function objectsIn(doc: Json): Record<string, Json>[] {
  const found: Record<string, Json>[] = [];
  const walk = (v: Json) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      if (Object.keys(v).length) found.push(v as Record<string, Json>);
      Object.values(v).forEach((x) => walk(x as Json));
    }
  };
  walk(doc);
  return found;
}

/** The Node host's outcome on a decision: its exit code, and the decision or the message. */
function nodeDecide(pf: string, rf: string): { status: number; out: string } {
  try {
    const p = loadPlatformFile(pf);
    const engine = Engine.create(policy, p);
    try {
      const d = engine.allocate({ ...loadRequestFile(rf, p), deferred: false }).decision;
      return { status: d?.heap == null ? 3 : 0, out: JSON.stringify(d) };
    } finally {
      engine.dispose();
    }
  } catch (e) {
    if (!(e instanceof HeapwiseError)) throw e;
    return { status: e.exitCode, out: e.message };
  }
}

/** What both hosts must write byte for byte: the header's platform, the events and answers. */
const sameInTrace = (lines: string[]) => lines.flatMap((l) => {
  if (l.startsWith('{"t":"header"')) return [l.slice(l.indexOf('"platform":'))];
  return l.startsWith('{"t":"event"') || l.startsWith('{"t":"answer"') ? [l] : [];
});

/** The Node host's outcome on a workload: its exit code, and the trace or the message. */
function nodeSimulate(wf: string): { status: number; out: string[] } {
  const lines: string[] = [];
  let rec: TraceRecorder | undefined;
  try {
    simulate(loadWorkloadFile(wf), policy, { engineHook: (engine) => { rec = new TraceRecorder((l) => lines.push(l)).attach(engine, 'node', null); } });
    rec?.finish();
    return { status: 0, out: sameInTrace(lines) };
  } catch (e) {
    if (!(e instanceof HeapwiseError)) throw e;
    return { status: e.exitCode, out: [e.message] };
  }
}

describe('Node and C agree on changed input files', () => {
  it.each([
    ['platform', platform, (f: string) => [f, requestFile] as const],
    ['request', request, (f: string) => [platformFile, f] as const],
  ] as const)('a changed %s file: both refuse it in the same words, or both decide the same', (_what, doc, files) => {
    fc.assert(fc.property(changes, (cs) => {
      const { doc: d, what: how } = apply(doc, cs);
      const [pf, rf] = files(file(d));
      const want = nodeDecide(pf, rf);
      const r = runDriver(['--platform', pf, '--request', rf]);
      const label = `${how}: Node said ${want.out.slice(0, 300)}; C said ${r.stderr.slice(0, 300)}`;
      expect(r.status, label).toBe(want.status);
      if (want.status !== 2) expect(JSON.parse(r.stdout), label).toEqual(JSON.parse(want.out));
      else expect(r.stderr, label).toBe(`heapwise-c: ${want.out}\n`);
    }), { numRuns: RUNS });
  });

  it.each([
    ['naming its platform file', workload],
    ['with its platform inline', inline],
  ] as const)('a changed workload %s: both refuse it in the same words, or both write the same trace', (_what, doc) => {
    const out = join(tmp, 'c.jsonl');
    fc.assert(fc.property(changes, (cs) => {
      const { doc: d, what } = apply(doc, cs);
      const wf = file(d);
      const want = nodeSimulate(wf);
      const r = runDriver(['--workload', wf, '--record', out]);
      const label = `${what}: Node said ${want.out[0]?.slice(0, 300)}; C said ${r.stderr.slice(0, 300)}`;
      expect(r.status, label).toBe(want.status);
      // Past PATH_MAX Node says ENAMETOOLONG; C refuses the path before it could be cut short.
      if (want.status === 2 && want.out[0]!.endsWith(': cannot read: ENAMETOOLONG')) expect(r.stderr, label).toMatch(/ at \/platform: platform file path longer than 4095 bytes\n$/);
      else if (want.status === 2) expect(r.stderr, label).toBe(`heapwise-c: ${want.out[0]}\n`);
      if (want.status !== 2) expect(sameInTrace(readFileSync(out, 'utf8').split('\n')), label).toEqual(want.out);
    }), { numRuns: RUNS / 3 });
  });

  it('a key repeated anywhere in a platform, request or workload, or one holding NUL: the same line, column and words', () => {
    const placeholder = '\u0001repeat';
    const repeatOrNul = fc.constantFrom('front', 'back', 'nul');
    fc.assert(fc.property(fc.nat(), fc.nat(), repeatOrNul, fc.constantFrom(0, 2), fc.constantFrom('platform', 'request', 'workload'), (o, k, how, indent, what) => {
      const doc = what === 'platform' ? platform : what === 'request' ? request : workload;
      const copy = structuredClone(doc) as Json;
      const objects = objectsIn(copy);
      const at = objects[o % objects.length]!;
      const entries = Object.entries(at);
      const key = entries[k % entries.length]![0];
      // The placeholder stands before or after the object's own keys (JSON.stringify writes it
      // escaped, then it becomes the key again); or the key gets a NUL at its end, in its place.
      for (const e of entries) delete at[e[0]];
      if (how === 'front') at[placeholder] = 0;
      for (const [name, value] of entries) at[how === 'nul' && name === key ? `${name}\0` : name] = value;
      if (how === 'back') at[placeholder] = 0;
      const text = JSON.stringify(copy, null, indent).replace(JSON.stringify(placeholder), JSON.stringify(key));
      const f = file(text);
      const sim = what === 'workload' ? nodeSimulate(f) : undefined;
      const want = sim ? { status: sim.status, out: sim.out[0]! } : nodeDecide(what === 'platform' ? f : platformFile, what === 'request' ? f : requestFile);
      expect(want.out).toContain(how === 'nul' ? ': NUL byte in object key not supported' : ': duplicate object key');
      const r = runDriver(what === 'workload' ? ['--workload', f, '--record', join(tmp, 'dup.jsonl')]
        : ['--platform', what === 'platform' ? f : platformFile, '--request', what === 'request' ? f : requestFile]);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(`heapwise-c: ${want.out}\n`);
    }), { numRuns: RUNS / 3 });
  });

  it('a byte of a platform, request or workload changed to one that may break UTF-8: the same line, column and words, or the same result', () => {
    fc.assert(fc.property(fc.nat(), fc.integer({ min: 0x80, max: 0xff }), fc.constantFrom(0, 2), fc.constantFrom('platform', 'request', 'workload'), (pos, byte, indent, what) => {
      const doc = what === 'platform' ? platform : what === 'request' ? request : workload;
      const bytes = Buffer.from(JSON.stringify(doc, null, indent));
      bytes[pos % bytes.length] = byte;
      const f = join(tmp, `in${n++}.json`);
      writeFileSync(f, bytes);
      const sim = what === 'workload' ? nodeSimulate(f) : undefined;
      const want = sim ? { status: sim.status, out: sim.out.join('\n') } : nodeDecide(what === 'platform' ? f : platformFile, what === 'request' ? f : requestFile);
      const out = join(tmp, 'utf8.jsonl');
      const r = runDriver(what === 'workload' ? ['--workload', f, '--record', out]
        : ['--platform', what === 'platform' ? f : platformFile, '--request', what === 'request' ? f : requestFile]);
      const label = `0x${byte.toString(16)} at ${pos % bytes.length} of the ${what}: Node said ${want.out.slice(0, 300)}; C said ${r.stderr.slice(0, 300)}`;
      expect(r.status, label).toBe(want.status);
      if (want.status === 2) expect(r.stderr, label).toBe(`heapwise-c: ${want.out}\n`);
      else if (sim) expect(sameInTrace(readFileSync(out, 'utf8').split('\n')).join('\n'), label).toBe(want.out);
      else expect(JSON.parse(r.stdout), label).toEqual(JSON.parse(want.out));
    }), { numRuns: RUNS });
  });

  it('numbers JSON.parse reads as integers (30.0, 3e1) are integers to C too, in the trace as well', () => {
    let k = 0;
    // The first device's mask as 30.0, the others' as 3.2e1 and the like.
    const text = readFileSync(platformFile, 'utf8').replace(/"dmaMaskBits": (\d)(\d)\b/g, (_m, a: string, b: string) => (k++ === 0 ? `"dmaMaskBits": ${a}${b}.0` : `"dmaMaskBits": ${a}.${b}e1`));
    expect(text).toMatch(/"dmaMaskBits": \d+\.0,/);
    expect(text).toMatch(/"dmaMaskBits": \d\.\de1,/);
    const pf = file(text);
    const wf = file({ ...workloadJson, platform: pf });
    const want = nodeSimulate(wf);
    const out = join(tmp, 'ints.jsonl');
    const r = runDriver(['--workload', wf, '--record', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(sameInTrace(readFileSync(out, 'utf8').split('\n'))).toEqual(want.out);
    expect(want.out[0]).not.toContain('.0,');
  });
});
