// bench/results/latest.md (every table) and the README's "## Performance" section (the
// headline figures), both from one run's results.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { machineLine } from '../lib/machine.mjs';
import { fmtBytes, fmtNs, fmtPct, fmtRate, fmtSize, fmtX } from './format.mjs';

const row = (cells) => `| ${cells.join(' | ')} |`;
const table = (head, rows) => [row(head), row(head.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(row)].join('\n');
const met = (m) => (m === null ? 'not measured' : m ? 'met' : '**missed**');

const HOSTS = [['node', 'Node'], ['deno', 'Deno'], ['c', 'C']];

function decisionTable(r) {
  const rows = [];
  for (const [key, name] of HOSTS) {
    const d = r.decision?.[key];
    if (!d?.decision) continue;
    const [app, appRead] = d.app ? Object.values(d.app) : [];
    rows.push([name, fmtNs(d.decision.wasm.p50), fmtNs(d.decision.wasm.p99), fmtNs(d.decision.native.p50), fmtNs(d.decision.native.p99),
      fmtX(d.ratio.p50), fmtX(d.ratio.p99), processRange(d), app ? fmtNs(app.p50) : '-', appRead ? fmtNs(appRead.p50) : '-', `${d.agreement.cases}`]);
  }
  return table(['host', 'WASM p50', 'WASM p99', 'native p50', 'native p99', 'WASM/native p50', 'WASM/native p99', 'p50 ratio over processes', 'allocate+free via API p50', 'same, Decision read', 'requests agreeing'], rows);
}

/** The spread of a JIT host's p50 ratio over the processes it was measured in (run.mjs). */
function processRange(d) {
  const ps = d.processes;
  if (!ps || ps.length < 2) return '-';
  const rs = ps.map((x) => x.ratio);
  return `${fmtX(Math.min(...rs))} to ${fmtX(Math.max(...rs))} (${ps.length}, median shown)`;
}

function breakdownTable(d) {
  if (!d?.breakdown) return '';
  return table(['step (alone, same event)', 'p50', 'share of the whole'], Object.entries(d.breakdown).map(([k, v]) => {
    const whole = d.breakdown['whole decision (decideWasm)']?.p50 ?? d.decision.wasm.p50;
    return [k, fmtNs(v.p50), fmtPct(v.p50 / whole)];
  }));
}

function cVariants(r) {
  const rows = [];
  for (const [key, what] of [['c', 'library build: fuel-instrumented, explicit bounds checks'], ['cRaw', 'module as built (no fuel), explicit bounds checks'], ['cRawSignal', 'no fuel, guard-page bounds checks']]) {
    const d = r.decision?.[key];
    if (!d?.breakdown) continue;
    const b = d.breakdown;
    rows.push([what, fmtNs(d.decision.wasm.p50), fmtNs(b['hw_event bare (fuel set only)'].p50), fmtNs(b['hw_event (lock, trap guard, fuel set)'].p50),
      fmtNs(b['encode event'].p50), fmtNs(b['read + validate answer'].p50), fmtNs(d.decision.native.p50), fmtX(d.ratio.p50)]);
  }
  return `Each build runs in its own process beside its own native baseline: compare the ratios.\n\n${table(['C policy image', 'decision p50', 'hw_event bare', 'hw_event guarded', 'encode', 'read + validate', 'native C p50', 'WASM/native'], rows)}`;
}

function eventsTable(r) {
  const rows = [];
  for (const [key, name] of HOSTS) {
    const e = r.events?.[key];
    if (!e) continue;
    rows.push([name, fmtNs(e.perEventNs.p50), fmtNs(e.perEventNs.p99), fmtRate(e.eventsPerSecond.p50), fmtX(e.ratioToCalibration)]);
  }
  return table(['host', 'per event p50', 'per event p99', 'events/s (p50)', 'event / native decision'], rows);
}

function replaySection(r) {
  const out = [];
  const rows = [];
  for (const [k, name] of [['mid', 'mid'], ['long', 'long'], ['jsonl', 'long']]) {
    const x = r.replay?.[k];
    if (!x) continue;
    rows.push([`Node, ${name} trace (${x.trace.encoding === 'jsonl' || k === 'jsonl' ? 'JSON Lines' : 'binary'})`, `${x.trace.events}`, fmtBytes(x.trace.bytes), fmtRate(x.eventsPerSecond), fmtRate(x.steadyEventsPerSecond), fmtBytes(x.memory.peakRssBeforeBytes), fmtBytes(x.memory.peakRssBytes)]);
  }
  for (const [k, name] of [['c', 'binary'], ['cJsonl', 'JSON Lines']]) {
    const c = r.replay?.[k];
    if (c) rows.push([`C (heapwise-c --replay), long trace (${name})`, `${c.events}`, '', fmtRate(c.eventsPerSecond), fmtRate(c.steadyEventsPerSecond), '', '']);
  }
  out.push(table(['replay', 'events', 'trace size', 'events/s', 'events/s without fixed cost', 'peak RSS before', 'peak RSS after'], rows));
  const live = r.replay?.long?.memory?.liveHeap;
  if (live?.length) {
    out.push('', `Live heap after a collection, every tenth of the long trace (${fmtBytes(r.replay.long.trace.bytes)}): ${live.map((x) => fmtBytes(x.heapUsedBytes)).join(', ')}. Peak RSS mostly reflects how lazily V8 collects; the live heap is what replay keeps.`);
  }
  const st = r.replay?.long?.stages;
  if (st) {
    out.push('', 'Where replay time goes (the long trace read by successively more of the pipeline):', '');
    let prev = 0;
    out.push(table(['stage', 'seconds', 'events/s', 'µs per event added by this stage'], Object.entries(st).map(([k, v]) => {
      const per = (v.seconds / r.replay.long.trace.events) * 1e6;
      const added = per - prev;
      prev = per;
      return [k, v.seconds.toFixed(2), fmtRate(v.eventsPerSecond), added.toFixed(2)];
    })));
  }
  return out.join('\n');
}

function recordingSection(r) {
  const x = r.recording;
  const rows = [['none', fmtNs(x.withoutRecorderNsPerEvent.p50), '-', '-']];
  rows.push(['binary (.hwtrace)', fmtNs(x.withRecorderNsPerEvent.p50), `**${fmtPct(x.overhead.p50)}**`, x.traceBytes ? fmtBytes(x.traceBytes) : '']);
  if (x.jsonl) rows.push(['JSON Lines (.jsonl)', fmtNs(x.jsonl.withRecorderNsPerEvent.p50), fmtPct(x.jsonl.overhead.p50), x.jsonl.traceBytes ? fmtBytes(x.jsonl.traceBytes) : '']);
  if (x.floor) rows.push(['floor (not a format: the least any recorder does)', fmtNs(x.floor.withRecorderNsPerEvent.p50), fmtPct(x.floor.overhead.p50), x.floor.traceBytes ? fmtBytes(x.floor.traceBytes) : '']);
  return [`camera-isp-display (${x.iterations} iterations, ${x.engineEvents} engine events) simulated without a recorder and with a TraceRecorder into a memory sink, in rotating order.${x.floor ? ' The floor row bounds what any encoding can reach on this engine and machine: bench/trace/floor-encoder.ts, attached through the same tap, writes word-aligned records without framing or CRC, a PLACE event\'s image but any other event as two words, each answer\'s counts, state, ops and explanations, each result as one word, and cannot be read back.' : ''}`, '',
    table(['recorder', 'per event p50', 'overhead', 'trace size'], rows)].join('\n');
}

function syncsTable(r) {
  if (!r.syncs) return '';
  const rows = r.syncs.workloads.map((w) => [w.workload.replace('examples/workloads/', ''), w.platform, `${w.cpuAccesses}`, `${w.default}`, `${w.naive}`,
    w.ratio === null ? '-' : fmtPct(w.ratio), `${w.violations.default}/${w.violations.naive}`]);
  rows.push(['**total**', '', '', `${r.syncs.total.default}`, `${r.syncs.total.naive}`, fmtPct(r.syncs.total.ratio), '']);
  return table(['workload', 'platform', 'CPU accesses', 'syncs (default)', 'syncs (naive)', 'default/naive', 'violations default/naive'], rows);
}

function vmSection(r) {
  if (!r.vm) return 'Not run.';
  if (r.vm.skipped) return `Not run: ${r.vm.skipped}.`;
  const rows = (r.vm.summary ?? []).map((s) => [s.host === 'c' ? 'C (libheapwise)' : 'Node', fmtSize(s.size), fmtNs(s.rawNs), fmtNs(s.engineNs), fmtNs(s.modelNs),
    fmtPct(s.engineShare), fmtPct(s.engineOverRaw), s.hostShareEstimate === null ? '-' : `${fmtPct(s.hostShareEstimate)} (${fmtNs(s.hostModelNs)} / ${fmtNs(s.hostCycleEstimateNs)})`, `${s.cycles}`]);
  const lines = [`Guest kernel ${r.vm.kernel}, TCG (no KVM), ${r.vm.iterations} cycles per size (a quarter for 8 MiB), boot ${((r.vm.bootMs ?? 0) / 1000).toFixed(1)} s.${r.vm.retried?.length ? ` In the guest, ${r.vm.retried.join('; ')} (a crash is reported, and only a whole run's measurements are kept).` : ''} The last share column leaves TCG out: the engine alone timed on this machine, each of its cycles right after a write of a buffer's worth of memory (C: the proxy cycle; Node: every cache line of a buffer this size) so it runs with the caches a real cycle leaves, against the real cycle estimated on this machine (a proxy cycle of zeroed, mapped, touched pages timed here, scaled by raw / proxy measured in the guest). On this machine the cycles are timed whole, without the step marks (those come from other cycles), ${r.vm.hostIterations ?? 400} per size in each of three processes, and the process with the median p50 counts.`, '',
    table(['host', 'buffer', 'raw cycle p50', 'engine cycle p50', 'engine alone p50', 'engine alone / raw', 'engine / raw - 1', 'without TCG (estimate)', 'cycles'], rows)];
  const steps = r.vm.rows?.filter((x) => x.size === 1 << 20 && (x.where ?? 'guest') === 'guest');
  if (steps?.length) {
    lines.push('', 'Step medians of the 1 MiB cycle (alloc | START | mmap | touch | munmap | END + close; the engine: allocate | cpu_begin | cpu_map | touch | cpu_end | free):', '');
    lines.push(table(['host', 'way', 'steps (µs)'], steps.map((x) => [x.host, x.way, (x.steps ?? []).map((s) => (s / 1000).toFixed(0)).join(' / ')])));
  }
  return lines.join('\n');
}

export function renderMarkdown(r) {
  const node = r.decision?.node;
  const c = r.decision?.c;
  const s = [
    `# heapwise benchmarks (${r.mode} run)`,
    '',
    `Machine: ${machineLine(r.machine)}; load average ${r.machine.loadAverageAtEnd?.[0] ?? '?'} at the end. Commit ${r.machine.commit ?? '?'}${r.machine.dirtyTree ? ' (with uncommitted changes)' : ''}, ${r.startedAt}, ${Math.round(r.seconds)} s.`,
    '',
    'Everything is a ratio against a baseline measured in the same process (or the same VM boot): absolute figures are this machine\'s, on a shared 2-core VM, and move with its load. Produced by `node bench/run.mjs`.',
    r.failures.length ? `\n**${r.failures.length} benchmark(s) failed:** ${r.failures.map((f) => f.bench).join(', ')} (see latest.json).` : '',
    '',
    '## Targets',
    '',
    table(['target', 'measured', 'status'], r.targets.map((t) => [t.text, t.measured, met(t.met)])),
    '',
    '## Decision latency',
    '',
    'One placement decision on the fixture (bench/fixtures/camera-soc.json: 8 heaps, 3 devices; request camera-preview-request.json): encode the PLACE event into linear memory, hw_event, read and validate the answer, take the chosen heap, fallbacks and rejections. Native = the same policy in plain TypeScript (bench/native/default-policy.ts) or C (default_policy.c), checked to decide identically on the fixture and every example request first. Batches of decisions, p50/p99 over batches. Node and Deno are measured in five processes each in the full run (a JIT\'s tiering and inlining choices move the ratio between processes more than within one): the row is the process with the median p50 ratio, the range column all five. The API columns: the public API per placement (allocate + free on the model backend), then the same reading the Decision, whose sentences are written when first read.',
    '',
    decisionTable(r),
    '',
    node?.breakdown ? '### Where a Node decision\'s time goes\n\n' + breakdownTable(node) : '',
    '',
    c ? '### Where a C decision\'s time goes\n\n' + cVariants(r) : '',
    '',
    '## Engine event throughput',
    '',
    'CPU and device begin/end events through the engine on the model backend (`Engine` in Node and Deno, `hw_engine_*` in C; a camera frame: ISP writes, CPU reads, display scans out; 6 events), with the syncs the default policy plans. The last column divides by the native decision of the same host (TypeScript, or C), timed in the same process.',
    '',
    eventsTable(r),
    '',
    '## Recording overhead',
    '',
    r.recording ? recordingSection(r) : 'Not measured.',
    '',
    '## Replay throughput and memory',
    '',
    r.traces ? `Traces recorded with \`heapwise simulate --record\` on camera-isp-display repeated (mid: ${r.traces.mid.events} events, long: ${r.traces.long.events}), binary (.hwtrace) and, for the long one, JSON Lines too. "Without fixed cost" subtracts a tiny trace's replay (starting the CLI, compiling the module). The cache of fuel-instrumented modules is warm (recording the traces filled it): a first load of a module adds its instrumentation, about half a second, once.` : '',
    '',
    replaySection(r),
    '',
    '## Syncs issued against naive bracketing',
    '',
    'DMA_BUF_IOCTL_SYNC calls on every bundled workload: the default policy against the naive one (START/END around every CPU access). Counts, the same on every machine.',
    '',
    syncsTable(r),
    '',
    '## Inside the real-kernel VM',
    '',
    'System-heap buffer cycle: alloc, mmap, SYNC START (write), touch every page, munmap, SYNC END, close. raw = the ioctls by hand in the same guest process; engine = the same cycle through the engine on its kernel backend (the default policy issues exactly these two syncs); engine alone = the engine\'s calls on the model backend (its own work, no kernel). TCG emulation: only the ratios mean anything.',
    '',
    vmSection(r),
    '',
  ];
  return s.filter((x) => x !== undefined).join('\n').replace(/\n{3,}/g, '\n\n');
}

/** The README section: the headline figures, the machine, and where the rest is. */
export function readmeSection(r) {
  const lines = ['## Performance', '',
    `Measured by \`npm run bench\` (\`node bench/run.mjs\`) on ${machineLine(r.machine)}, ${r.startedAt.slice(0, 10)}. A shared, noisy 2-core VM: read the ratios (each against a baseline measured in the same process or VM boot), not the absolute times. Every table and the method: [bench/results/latest.md](bench/results/latest.md); raw figures: [latest.json](bench/results/latest.json). \`npm run bench:quick\` is the CI smoke run (small sizes, no VM; it fails only when a benchmark crashes, never on a timing).`,
    '',
    table(['target', 'measured', 'status'], r.targets.map((t) => [t.text, t.measured, met(t.met)])),
    '',
    'Decision latency (PLACE on an 8-heap, 3-device platform; native = the same policy in plain TypeScript or C, checked to decide identically first):',
    '',
    decisionTable(r),
    ''];
  const facts = [];
  const ev = r.events;
  if (ev?.node) facts.push(`Sync planning through the engine (model backend): ${fmtRate(ev.node.eventsPerSecond.p50)} CPU/device events in Node${ev.deno ? `, ${fmtRate(ev.deno.eventsPerSecond.p50)} in Deno` : ''}${ev.c ? `, ${fmtRate(ev.c.eventsPerSecond.p50)} in C` : ''}.`);
  if (r.recording) facts.push(`Recording a binary trace (in-memory sink) adds ${fmtPct(r.recording.overhead.p50)} to simulate's per-event time${r.recording.jsonl ? ` (JSON Lines: ${fmtPct(r.recording.jsonl.overhead.p50)})` : ''}${r.recording.floor ? `; the least any recorder of the same content does (bench/trace/floor-encoder.ts, no format) adds ${fmtPct(r.recording.floor.overhead.p50)}` : ''}.`);
  const long = r.replay?.long;
  if (long) {
    const live = long.memory.liveHeap ?? [];
    facts.push(`Replay of a ${long.trace.events}-event binary trace (${fmtBytes(long.trace.bytes)}): ${fmtRate(long.eventsPerSecond)} in Node${r.replay.jsonl ? ` (the same session as JSON Lines, ${fmtBytes(r.replay.jsonl.trace.bytes)}: ${fmtRate(r.replay.jsonl.eventsPerSecond)})` : ''}${r.replay.c ? `, ${fmtRate(r.replay.c.eventsPerSecond)} in C` : ''}${r.replay.cJsonl ? ` (${fmtRate(r.replay.cJsonl.eventsPerSecond)} from JSON Lines)` : ''}; peak RSS ${fmtBytes(long.memory.peakRssBytes)}${live.length ? `, live heap flat at ${fmtBytes(live[live.length - 1].heapUsedBytes)} from the first tenth of the trace to the end` : ''}.`);
  }
  const c1 = r.vm?.summary?.find((x) => x.host === 'c' && x.size === 1 << 20);
  const n1 = r.vm?.summary?.find((x) => x.host === 'node' && x.size === 1 << 20);
  if (c1) facts.push(`In the real-kernel VM (TCG), the engine's own work is ${fmtPct(c1.engineShare)} of a 1 MiB system-heap cycle in C${n1 ? ` and ${fmtPct(n1.engineShare)} in Node` : ''}${c1.hostShareEstimate !== null ? ` (estimated without TCG: ${fmtPct(c1.hostShareEstimate)}${n1?.hostShareEstimate != null ? ` and ${fmtPct(n1.hostShareEstimate)}` : ''})` : ''}.`);
  if (r.syncs) {
    const violations = r.syncs.workloads.reduce((n, w) => n + w.violations.default + w.violations.naive, 0);
    facts.push(`Syncs on the bundled workloads: ${r.syncs.total.default} with the default policy against ${r.syncs.total.naive} with naive bracketing (${fmtPct(r.syncs.total.ratio)}); ${violations === 0 ? 'no' : violations} coherency violation${violations === 1 ? '' : 's'}.`);
  }
  if (facts.length) lines.push(...facts.map((f) => `- ${f}`), '');
  return lines.join('\n');
}

export function updateReadme(file, r) {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const section = readmeSection(r);
  const start = text.search(/^## Performance\s*$/m);
  let next;
  if (start < 0) next = `${text.replace(/\s*$/, '')}\n\n${section}`;
  else {
    const after = text.slice(start + 1).search(/^## /m);
    const end = after < 0 ? text.length : start + 1 + after;
    next = `${text.slice(0, start)}${section}${after < 0 ? '' : '\n'}${text.slice(end)}`;
  }
  writeFileSync(file, next.endsWith('\n') ? next : `${next}\n`);
}
