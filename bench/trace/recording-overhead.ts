// Recording overhead: the same workload simulated with and without a TraceRecorder (into a
// memory sink), alternately, round after round; the overhead is the ratio of the medians.
import { join } from 'node:path';
import { simulate } from '../../host/simulate/run.js';
import { loadWorkloadFile } from '../../host/simulate/workload.js';
import { TraceRecorder } from '../../host/trace/recorder.js';
import { benchArgs, emit } from '../lib/args.js';
import { stats } from '../lib/batches.js';
import { loadPolicy } from '../lib/fixture.js';
import { MemorySink } from './memory-sink.js';

const args = benchArgs();
const mod = await loadPolicy(args.root);
const file = join(args.root, 'examples/workloads/camera-isp-display.json');
const workload = { ...loadWorkloadFile(file) };
workload.iterations = args.quick ? 60 : 240;
workload.length = workload.setup.length + workload.loop.length * workload.iterations + workload.teardown.length;
const rounds = args.quick ? 6 : 40;

let events = 0;
let lines = 0;
const run = (record: boolean): number => {
  const sink = new MemorySink();
  const t0 = performance.now();
  simulate(workload, mod, record ? { engineHook: (e) => { new TraceRecorder(sink.line).attach(e, 'node'); } } : {});
  const ns = (performance.now() - t0) * 1e6;
  sink.flush();
  lines = Math.max(lines, sink.lines);
  return ns;
};

// Engine events per simulation (the recorder counts them; the plain run has the same).
{
  const sink = new MemorySink();
  let engineEvents = 0;
  simulate(workload, mod, { engineHook: (e) => { new TraceRecorder(sink.line).attach(e, 'node'); e.observe({ onAnswer: () => { engineEvents++; } }); } });
  events = engineEvents;
}
for (let i = 0; i < 2; i++) { run(false); run(true); } // warm-up
const plain: number[] = [];
const recorded: number[] = [];
for (let r = 0; r < rounds; r++) {
  // Alternate which goes first, so drift affects both.
  if (r % 2) { plain.push(run(false) / events); recorded.push(run(true) / events); }
  else { recorded.push(run(true) / events); plain.push(run(false) / events); }
}
const a = stats(plain, events);
const b = stats(recorded, events);
emit({
  workload: 'examples/workloads/camera-isp-display.json',
  iterations: workload.iterations,
  engineEvents: events,
  traceLines: lines,
  withoutRecorderNsPerEvent: a,
  withRecorderNsPerEvent: b,
  overhead: { p50: b.p50 / a.p50 - 1, min: b.min / a.min - 1 },
});
