// Recording overhead: the same workload simulated without a recorder, with the binary recorder
// (docs/trace.md, .hwtrace), with the JSON Lines one, each into a memory sink, and with the floor
// encoder (floor-encoder.ts: the least any recorder of this content does, as a bound), in
// rotating order round after round; each overhead is the ratio of the medians against the plain run.
import { join } from 'node:path';
import { simulate } from '../../host/simulate/run.js';
import { loadWorkloadFile } from '../../host/simulate/workload.js';
import { BinaryEncoder } from '../../host/trace/binary-encoder.js';
import { TraceRecorder } from '../../host/trace/recorder.js';
import { benchArgs, emit } from '../lib/args.js';
import { stats } from '../lib/batches.js';
import { loadPolicy } from '../lib/fixture.js';
import { FloorEncoder } from './floor-encoder.js';
import { MemorySink } from './memory-sink.js';

const args = benchArgs();
const mod = await loadPolicy(args.root);
const file = join(args.root, 'examples/workloads/camera-isp-display.json');
const workload = { ...loadWorkloadFile(file) };
workload.iterations = args.quick ? 60 : 240;
workload.length = workload.setup.length + workload.loop.length * workload.iterations + workload.teardown.length;
const rounds = args.quick ? 6 : 40;

type Kind = 'none' | 'binary' | 'jsonl' | 'floor';
const KINDS: Kind[] = ['none', 'binary', 'jsonl', 'floor'];
const size = { binary: 0, jsonl: 0, floor: 0 };

const run = (kind: Kind): number => {
  const sink = new MemorySink();
  let bytes = 0;
  let rec: TraceRecorder | null = null;
  const floor = kind === 'floor' ? new FloorEncoder() : null;
  const t0 = performance.now();
  simulate(workload, mod, kind === 'none' ? {} : {
    engineHook: (e) => { rec = new TraceRecorder(kind === 'binary' ? new BinaryEncoder((c) => { bytes += c.length; }) : floor ?? sink.line).attach(e, 'node'); },
  });
  (rec as TraceRecorder | null)?.finish(); // the binary recorder hands its last chunk over here
  const ns = (performance.now() - t0) * 1e6;
  sink.flush();
  if (kind === 'binary') size.binary = bytes;
  if (kind === 'jsonl') size.jsonl = sink.bytes;
  if (floor) size.floor = floor.bytes;
  return ns;
};

// Engine events per simulation (the plain run has the same).
let events = 0;
simulate(workload, mod, { engineHook: (e) => { e.observe({ onAnswer: () => { events++; } }); } });
for (let i = 0; i < 2; i++) for (const k of KINDS) run(k); // warm-up
const per: Record<Kind, number[]> = { none: [], binary: [], jsonl: [], floor: [] };
for (let r = 0; r < rounds; r++) {
  // Rotate which goes first, so drift affects all three.
  for (let k = 0; k < KINDS.length; k++) {
    const kind = KINDS[(r + k) % KINDS.length]!;
    per[kind].push(run(kind) / events);
  }
}
const plain = stats(per.none, events);
const binary = stats(per.binary, events);
const jsonl = stats(per.jsonl, events);
const floor = stats(per.floor, events);
emit({
  workload: 'examples/workloads/camera-isp-display.json',
  iterations: workload.iterations,
  engineEvents: events,
  withoutRecorderNsPerEvent: plain,
  // The binary recorder: what `simulate --record X.hwtrace` uses.
  withRecorderNsPerEvent: binary,
  overhead: { p50: binary.p50 / plain.p50 - 1, min: binary.min / plain.min - 1 },
  traceBytes: size.binary,
  jsonl: { withRecorderNsPerEvent: jsonl, overhead: { p50: jsonl.p50 / plain.p50 - 1, min: jsonl.min / plain.min - 1 }, traceBytes: size.jsonl },
  // The bound: what recording costs when the encoding does the least it could.
  floor: { withRecorderNsPerEvent: floor, overhead: { p50: floor.p50 / plain.p50 - 1, min: floor.min / plain.min - 1 }, traceBytes: size.floor },
});
