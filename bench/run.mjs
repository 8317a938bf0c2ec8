#!/usr/bin/env node
// Runs every benchmark and writes the results (bench/README section "## Performance" of the
// project README says what each figure means):
//   node bench/run.mjs            full run: bench/results/latest.{json,md} and the README section
//   node bench/run.mjs --quick    CI smoke run (< 2 min on 2 cores): small sizes, no VM, results
//                                 in bench/build/quick.{json,md}; nothing committed changes
// Options: --vm / --no-vm (default: on for a full run, off for --quick), --only a,b (step names
// as logged: decision-node, vm, ...; results in bench/build/partial.*), --keep-traces.
// Exit status: non-zero only when a benchmark crashed, timed out, or found the native baseline
// deciding differently from the policy. Slow numbers never fail a run: there are no timing
// assertions anywhere.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildC, buildTypeScript, entryFile } from './lib/build.mjs';
import { runChild } from './lib/child.mjs';
import { machine } from './lib/machine.mjs';
import { recordLongTrace } from './trace/long-trace.mjs';
import { renderMarkdown, updateReadme } from './report/markdown.mjs';
import { targets } from './report/targets.mjs';
import { runVmCycles, summarize, vmUnavailable } from './vm/in-vm.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const vm = argv.includes('--vm') || (!quick && !argv.includes('--no-vm'));
const only = argv.includes('--only') ? new Set(argv[argv.indexOf('--only') + 1].split(',')) : null;
const keepTraces = argv.includes('--keep-traces');
const out = join(root, 'bench/build');
const log = (m) => process.stderr.write(`bench: ${m}\n`);
const started = Date.now();

const results = { mode: quick ? 'quick' : 'full', startedAt: new Date().toISOString(), machine: machine(root), failures: [] };
const fail = (bench, error) => { results.failures.push({ bench, error }); log(`FAILED ${bench}: ${error}`); };
const want = (name) => !only || only.has(name);
const q = quick ? ['--quick'] : [];
const node = (name, args = [], timeoutMs = 600_000, flags = []) =>
  runChild(process.execPath, [...flags, entryFile(out, name), '--root', root, ...q, ...args], { cwd: root, timeoutMs });
const deno = (src, args = [], timeoutMs = 600_000) =>
  runChild(join(root, 'node_modules/.bin/deno'), ['run', '--sloppy-imports', '--allow-read', '--allow-env', '--allow-sys', join(root, src), '--root', root, ...q, ...args], { cwd: root, timeoutMs });

async function step(name, fn) {
  if (!want(name)) return;
  log(`${name}...`);
  const t0 = Date.now();
  try {
    await fn();
  } catch (e) {
    fail(name, e.stack ?? String(e));
  }
  log(`${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/** Takes a child's result into results[...path], or records its failure. */
function take(bench, r, put) {
  if (r.ok) put(r.result);
  else fail(bench, r.error);
}

try {
  buildTypeScript(root, out, log);
} catch (e) {
  fail('build', e.message);
  finish();
}
// Without the C library the C parts are skipped (and reported as failed); the rest still runs.
let cReady = true;
try {
  buildC(root, out, log);
} catch (e) {
  cReady = false;
  fail('build-c', e.message);
}

const traces = mkdtempSync(join(tmpdir(), 'heapwise-bench-'));
// Every child shares one cache of fuel-instrumented modules of its own (host/module/fuel-cache.ts),
// filled by the first load of each module (recording the traces): replays start warm, as a
// second replay on a workstation does, and the user's cache is neither read nor filled.
process.env.HEAPWISE_CACHE_DIR = join(traces, 'cache');

// 1. Decision latency per host, against the native policy in the same process.
results.decision = {};
// A JIT host's ratio moves between processes more than within one (V8's tiering and inlining
// choices differ from run to run: 1.2x to 1.6x in Node on this fixture), so the full run
// measures it in several processes and reports the run with the median ratio, with the range.
const PROCESSES = quick ? 1 : 5;
async function medianProcess(run) {
  const runs = [];
  for (let i = 0; i < PROCESSES; i++) {
    const r = await run();
    if (!r.ok) return r;
    runs.push(r.result);
  }
  runs.sort((a, b) => a.ratio.p50 - b.ratio.p50);
  const mid = runs[(runs.length - 1) >> 1];
  return { ok: true, result: { ...mid, processes: runs.map((x) => ({ wasm: x.decision.wasm.p50, native: x.decision.native.p50, ratio: x.ratio.p50 })) } };
}
await step('decision-node', async () => take('decision-node', await medianProcess(() => node('decision-latency', ['--host', 'node'])), (r) => { results.decision.node = r; }));
await step('decision-deno', async () => take('decision-deno', await medianProcess(() => deno('bench/decision/latency.ts', ['--host', 'deno'])), (r) => { results.decision.deno = r; }));
// The C benchmarks take the fixture and every example request as ABI bytes, exported once.
const fixtureFile = join(root, 'bench/fixtures/camera-soc.json');
let casesFile = null;
async function exportCases(bench) {
  if (casesFile) return casesFile;
  const cases = join(out, 'cases.bin');
  const ex = await node('export-cases', ['--out', cases]);
  if (!ex.ok) { fail(bench, ex.error); return null; }
  return (casesFile = cases);
}
await step('decision-c', async () => {
  if (!cReady) return;
  const cases = await exportCases('decision-c');
  if (!cases) return;
  for (const [key, bin] of [['c', 'decision-latency'], ['cRaw', 'decision-latency-raw'], ['cRawSignal', 'decision-latency-raw-signal']]) {
    take(`decision-${key}`, await runChild(join(out, 'c', bin), [cases, fixtureFile, ...q], { cwd: root, timeoutMs: 300_000 }), (r) => { results.decision[key] = r; });
  }
});

// 2. Engine event throughput (Node, Deno, C), recording overhead, replay.
results.events = {};
await step('events-node', async () => take('events-node', await node('event-throughput'), (r) => { results.events.node = r; }));
await step('events-deno', async () => take('events-deno', await deno('bench/engine/event-throughput.ts'), (r) => { results.events.deno = r; }));
await step('events-c', async () => {
  if (!cReady) return;
  const cases = await exportCases('events-c');
  if (cases) take('events-c', await runChild(join(out, 'c', 'event-throughput'), [cases, fixtureFile, ...q], { cwd: root, timeoutMs: 300_000 }), (r) => { results.events.c = r; });
});
await step('recording', async () => take('recording', await node('recording-overhead'), (r) => { results.recording = r; }));

// Quick: long enough that the steady rate separates from the fixed cost of a replay.
const sizes = quick ? { mid: 100_000, long: 100_000 } : { mid: 250_000, long: 1_000_000 };
let tr = null;
await step('traces', async () => {
  // Binary traces (what replay is measured on) and the long session as JSON Lines too, for the
  // second row in Node and in C.
  const tiny = recordLongTrace(root, traces, 1, 'tiny', 'hwtrace');
  const mid = recordLongTrace(root, traces, sizes.mid, 'mid', 'hwtrace');
  const long = sizes.long === sizes.mid ? mid : recordLongTrace(root, traces, sizes.long, 'long', 'hwtrace');
  const tinyJsonl = recordLongTrace(root, traces, 1, 'tiny', 'jsonl');
  const longJsonl = recordLongTrace(root, traces, sizes.long, 'long', 'jsonl');
  tr = { tiny, mid, long, tinyJsonl, longJsonl };
  results.traces = { mid: { events: mid.events, iterations: mid.iterations }, long: { events: long.events, iterations: long.iterations } };
});
results.replay = {};
await step('replay', async () => {
  if (!tr) throw new Error('no traces (the traces step failed)');
  take('replay-long', await node('replay-throughput', ['--trace', tr.long.trace, '--tiny', tr.tiny.trace, '--stages', 'all'], 1_800_000, ['--expose-gc']), (r) => { results.replay.long = r; });
  if (tr.mid !== tr.long) {
    take('replay-mid', await node('replay-throughput', ['--trace', tr.mid.trace, '--tiny', tr.tiny.trace, '--stages', 'replay'], 900_000, ['--expose-gc']), (r) => { results.replay.mid = r; });
  }
  take('replay-jsonl', await node('replay-throughput', ['--trace', tr.longJsonl.trace, '--tiny', tr.tinyJsonl.trace, '--stages', 'replay'], 1_800_000, ['--expose-gc']), (r) => { results.replay.jsonl = r; });
  // The C host's replay of the same sessions (heapwise-c --replay), wall time minus a tiny trace's.
  if (!cReady) return;
  const c = join(root, 'bindings/c/build/heapwise-c');
  const wall = (file) => { const t0 = performance.now(); const r = spawnSync(c, ['--replay', file], { encoding: 'utf8' }); return { s: (performance.now() - t0) / 1000, r }; };
  for (const [key, tiny, long] of [['c', tr.tiny, tr.long], ['cJsonl', tr.tinyJsonl, tr.longJsonl]]) {
    const fixed = wall(tiny.trace);
    const big = wall(long.trace);
    if (big.r.status !== 0) fail(`replay-${key}`, `heapwise-c --replay ${long.trace} exited ${big.r.status}: ${big.r.stderr || big.r.stdout}`);
    else results.replay[key] = { events: long.events, seconds: big.s, eventsPerSecond: long.events / big.s, steadyEventsPerSecond: big.s - fixed.s > 0.2 * big.s ? long.events / (big.s - fixed.s) : null };
  }
});

// 3. Syncs against naive bracketing on every bundled workload.
await step('syncs', async () => take('syncs', await node('syncs-vs-naive'), (r) => { results.syncs = r; }));

// 4. Inside the real-kernel VM.
await step('vm', async () => {
  if (!vm) { results.vm = { skipped: quick ? 'quick run (pass --vm to include it)' : '--no-vm' }; return; }
  const why = !cReady ? 'the C library did not build' : await vmUnavailable(root);
  if (why) { results.vm = { skipped: why }; return; }
  const r = await runVmCycles(root, out, { quick });
  results.vm = { ...r, summary: summarize(r.rows) };
  for (const f of r.failures) fail('vm', f);
});

if (!keepTraces) rmSync(traces, { recursive: true, force: true });
else log(`traces kept in ${traces}`);
finish();

function finish() {
  results.seconds = (Date.now() - started) / 1000;
  results.machine.loadAverageAtEnd = loadavg().map((x) => Math.round(x * 100) / 100);
  results.targets = targets(results);
  // Only a complete full run is a result to commit; quick and --only runs stay in bench/build.
  const dir = quick || only ? out : join(root, 'bench/results');
  const base = quick ? 'quick' : only ? 'partial' : 'latest';
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${base}.json`), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(dir, `${base}.md`), renderMarkdown(results));
  if (!quick && !only) updateReadme(join(root, 'README.md'), results);
  log(`wrote ${join(dir, `${base}.json`)} and ${base}.md in ${results.seconds.toFixed(0)} s; ${results.failures.length} failure(s)`);
  process.exit(results.failures.length ? 1 : 0);
}
