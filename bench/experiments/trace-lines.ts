// Measures the candidate recording changes (lean-lines.ts) against host/trace/recorder.ts: both
// recorders must write byte-identical traces of every bundled workload; then the workload of
// recording-overhead.ts is simulated with no recorder, the host's, the lean one and the binary
// estimate, in rotation.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '../../host/simulate/run.js';
import { loadWorkloadFile, type Workload } from '../../host/simulate/workload.js';
import { TraceRecorder } from '../../host/trace/recorder.js';
import { benchArgs, emit } from '../lib/args.js';
import { stats } from '../lib/batches.js';
import { loadPolicy } from '../lib/fixture.js';
import { MemorySink } from '../trace/memory-sink.js';
import { BinaryTraceRecorder, LeanTraceRecorder } from './lean-lines.js';

const args = benchArgs();
const mod = await loadPolicy(args.root);

type Kind = 'none' | 'host' | 'lean' | 'binary';
function record(w: Workload, kind: Kind, sink: (l: string) => void): void {
  let finish = () => {};
  simulate(w, mod, {
    engineHook: (e) => {
      if (kind === 'host') { const r = new TraceRecorder(sink).attach(e, 'node'); finish = () => r.finish(); }
      if (kind === 'lean') { const r = new LeanTraceRecorder(sink).attach(e, 'node'); finish = () => r.finish(); }
      if (kind === 'binary') { const r = new BinaryTraceRecorder().attach(e); finish = () => r.finish(); }
    },
  });
  finish();
}

const dir = join(args.root, 'examples/workloads');
const different: string[] = [];
for (const f of readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
  const w = loadWorkloadFile(join(dir, f));
  const a: string[] = [];
  const b: string[] = [];
  record(w, 'host', (l) => a.push(l));
  record(w, 'lean', (l) => b.push(l));
  const at = a.findIndex((l, i) => l !== b[i]);
  if (at >= 0 || a.length !== b.length) different.push(`${f}: line ${at + 1}\n  host ${a[at]}\n  lean ${b[at]}`);
}
if (different.length) {
  emit({ different });
  process.exit(3);
}

const w = { ...loadWorkloadFile(join(dir, 'camera-isp-display.json')) };
w.iterations = args.quick ? 60 : 240;
w.length = w.setup.length + w.loop.length * w.iterations + w.teardown.length;
let events = 0;
simulate(w, mod, { engineHook: (e) => { e.observe({ onAnswer: () => { events++; } }); } });
const kinds: Kind[] = ['none', 'host', 'lean', 'binary'];
const ns: Record<Kind, number[]> = { none: [], host: [], lean: [], binary: [] };
const rounds = args.quick ? 6 : 40;
for (let r = -2; r < rounds; r++) {
  for (let k = 0; k < kinds.length; k++) {
    const kind = kinds[(r + kinds.length + k) % kinds.length]!;
    const sink = new MemorySink();
    const t0 = performance.now();
    record(w, kind, sink.line);
    sink.flush();
    if (r >= 0) ns[kind].push(((performance.now() - t0) * 1e6) / events);
  }
}
const s = { none: stats(ns.none, events), host: stats(ns.host, events), lean: stats(ns.lean, events), binary: stats(ns.binary, events) };
emit({
  identicalTraces: readdirSync(dir).filter((x) => x.endsWith('.json')).length,
  engineEvents: events,
  nsPerEvent: s,
  overhead: { host: s.host.p50 / s.none.p50 - 1, lean: s.lean.p50 / s.none.p50 - 1, binary: s.binary.p50 / s.none.p50 - 1 },
});
