// Binary traces between the C host and the TS host: a .hwtrace recorded by the C host is the
// C host's JSON Lines recording once dumped (byte for byte), the Node recording but for what
// names each host's own files, and replays identically in Node and Deno; a .hwtrace recorded in
// Node replays identically in C, and a changed answer byte diverges at the same event in both.
// Sessions: the scenarios of cross-host.test.ts (ENOMEM fallback, fuel fault and swap, logs), and a
// manifest fault recorded with the manifest beside the module and replayed without it.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicyFile } from '../../host/module/load-file.js';
import { PolicyModule } from '../../host/module/policy-module.js';
import { dumpTrace } from '../../host/trace/dump.js';
import { buildC, C_BUILD } from '../c/helpers.js';
import { BinaryTraceImage } from '../trace/binary-image.js';
import { recordBoth } from '../trace/sessions.js';
import { cRecord, cReplay, DEFAULT_WASM, denoReplay, hostNeutral, nodeReplay, ROOT, type ReplayResult, type Scenario } from './hosts.js';

const work = mkdtempSync(join(tmpdir(), 'heapwise-binary-cross-'));
const at = (rel: string) => join(ROOT, rel);

const SCENARIOS: Record<string, Scenario> = {
  'cma-fallback': { workload: at('test/c/fixtures/cma-fallback.json'), policy: DEFAULT_WASM, cPolicy: 'default' },
  // The module beside the traces: replay in Node and Deno finds it there by sha256.
  'fuel-meter': { workload: at('test/cross-host/workloads/fuel-meter.json'), policy: join(work, 'fuel-meter.wasm'), cPolicy: 'fuel-meter.so', fuel: 3000, fallback: true },
  'default-debug': { workload: at('test/c/fixtures/cma-fallback.json'), policy: at('policies/default/build/default.debug.wasm'), cPolicy: 'default.debug.so', log: true },
  // A vendor manifest allowing only system: the first ALLOC (from reserved) is a manifest fault
  // and the default takes over. Replays run without the manifest file, on the recorded one.
  'manifest-fault': {
    workload: at('test/c/fixtures/cma-fallback.json'), policy: join(work, 'vendor.wasm'), cPolicy: 'vendor.so', fallback: true,
    manifest: { name: 'default', version: '1.0.0', sha256: PolicyModule.sha256(readFileSync(DEFAULT_WASM)), allowedHeaps: ['system'] },
  },
};
const NAMES = Object.keys(SCENARIOS);

const file = (name: string, host: 'c' | 'node', ext: 'hwtrace' | 'jsonl') => join(work, `${name}.${host}.${ext}`);
const compile = (path: string, opts: { fuel?: number; log?: boolean } = {}) =>
  PolicyModule.compile(readFileSync(path), { label: basename(path), ...(opts.fuel ? { fuel: opts.fuel } : {}), ...(opts.log ? { logCapability: true } : {}) });

async function dump(trace: string): Promise<string> {
  const parts: string[] = [];
  await dumpTrace(trace, (t) => { parts.push(t); });
  return parts.join('');
}
const lines = (text: string) => text.split('\n').filter((l) => l.length > 0);

let deno: Record<string, ReplayResult> = {};
/** A Node-recorded binary trace with one SYNC answer changed (CRCs fixed), and that record's index. */
let changed = '';
let changedRecord = 0;

beforeAll(async () => {
  buildC();
  // The C driver runs in the work directory and loads its modules by file name there (as the
  // other cross-host tests do): the images `make policies` built from the same .wasm files.
  for (const so of ['fuel-meter.so', 'default.debug.so']) copyFileSync(join(C_BUILD, 'policies', so), join(work, so));
  copyFileSync(at('test/traces/fuel-meter.wasm'), join(work, 'fuel-meter.wasm'));
  copyFileSync(DEFAULT_WASM, join(work, 'vendor.wasm'));
  copyFileSync(join(C_BUILD, 'policies', 'default.so'), join(work, 'vendor.so'));
  const fallback = await compile(DEFAULT_WASM);
  for (const name of NAMES) {
    const s = SCENARIOS[name]!;
    const beside = join(work, `${basename(s.policy, '.wasm')}.manifest.json`);
    if (s.manifest) writeFileSync(beside, JSON.stringify(s.manifest));
    cRecord(s, file(name, 'c', 'hwtrace'), work);
    cRecord(s, file(name, 'c', 'jsonl'), work);
    const mod = s.manifest ? await loadPolicyFile(s.policy) : await compile(s.policy, { ...(s.fuel ? { fuel: s.fuel } : {}), ...(s.log ? { log: true } : {}) });
    recordBoth(work, `${name}.node`, s.workload, mod, { path: null, ...(s.fallback ? { fallback } : {}) });
    rmSync(beside, { force: true });
  }
  const img = BinaryTraceImage.read(file('cma-fallback', 'node', 'hwtrace'));
  const rec = img.records.find((x) => x.type === 4 && img.u32(x.payload + 4) > 0 && img.u32(x.payload + 4 + 48) === 3)!;
  img.bytes[rec.payload + 4 + 48 + 12]! ^= 1; // the SYNC op's flags
  changed = join(work, 'changed.node.hwtrace');
  changedRecord = rec.index;
  writeFileSync(changed, img.withCrcs());
  deno = denoReplay(NAMES.map((n) => file(n, 'c', 'hwtrace')), work);
}, 900_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each(NAMES)('%s', (name) => {
  it('recorded binary by C: its dump is the C JSON Lines recording byte for byte, and the Node one but for each host\'s names', async () => {
    const text = await dump(file(name, 'c', 'hwtrace'));
    expect(text).toBe(readFileSync(file(name, 'c', 'jsonl'), 'utf8'));
    const c = hostNeutral(lines(text));
    const node = hostNeutral(lines(readFileSync(file(name, 'node', 'jsonl'), 'utf8')));
    const first = c.findIndex((l, i) => l !== node[i]);
    expect({ line: first, c: c[first] ?? null, node: node[first] ?? null }).toEqual({ line: -1, c: null, node: null });
    expect(c.length).toBe(node.length);
  });

  it('records the manifest in force in both hosts', () => {
    const header = JSON.parse(lines(readFileSync(file(name, 'c', 'jsonl'), 'utf8'))[0]!);
    expect(header.policy.manifest).toEqual(SCENARIOS[name]!.manifest ?? null);
  });

  it('recorded binary by C, replays identically in Node and Deno', async () => {
    const t = file(name, 'c', 'hwtrace');
    const events = lines(readFileSync(file(name, 'c', 'jsonl'), 'utf8')).filter((l) => l.startsWith('{"t":"event"')).length;
    expect(await nodeReplay(t)).toMatchObject({ identical: true, events, divergence: null });
    expect(deno[t]).toMatchObject({ identical: true, events, divergence: null });
  });

  it('recorded binary by Node, replays identically in C', () => {
    const t = file(name, 'node', 'hwtrace');
    const events = lines(readFileSync(file(name, 'node', 'jsonl'), 'utf8')).filter((l) => l.startsWith('{"t":"event"')).length;
    expect(cReplay(SCENARIOS[name]!, t, work)).toEqual({ identical: true, events, divergence: null });
  });
});

it('a changed answer byte in a Node binary trace diverges in C at the event and record Node reports, with the same lines', async () => {
  const node = await nodeReplay(changed);
  const div = node.divergence as { event: number; line: number; expected: string; actual: string };
  expect(node.identical).toBe(false);
  expect(div.line).toBe(changedRecord);
  const c = cReplay(SCENARIOS['cma-fallback']!, changed, work);
  expect(c.identical).toBe(false);
  expect(c.divergence).toBe(`diverged at event ${div.event} (line ${div.line})\nexpected: ${div.expected}\nactual:   ${div.actual}\n`);
});
