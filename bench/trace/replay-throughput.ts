// Replay throughput on a long recorded trace (binary or JSON Lines), and where its time goes:
// the same file read by successively more of the replay pipeline (binary: the checked records,
// then the records decoded as trace lines; JSON Lines: lines only, + JSON.parse, + the checked
// reader; then the module and the answer comparison). Peak RSS is read right after the full
// replay, which runs first, so it is the replay's own. A tiny trace replayed first measures the
// fixed cost of a replay (compiling and fuel-instrumenting the module) and the RSS before.
//   node replay-throughput.js --trace FILE --tiny SMALL_FILE [--stages all|replay]
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { BinaryCursor } from '../../host/trace/binary-cursor.js';
import { isBinaryTraceFile, readTrace } from '../../host/trace/reader.js';
import { replay } from '../../host/trace/replay.js';
import { benchArgs, emit } from '../lib/args.js';

const args = benchArgs();
const file = args.values.trace;
if (!file) throw new Error('replay-throughput: --trace is required');
const bytes = statSync(file).size;
const binary = isBinaryTraceFile(file);

async function lines(each: (text: string) => void): Promise<void> {
  const stream = createReadStream(file!, { encoding: 'utf8' });
  for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) each(text);
}

const seconds = async (fn: () => Promise<unknown>) => {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
};

const tiny = args.values.tiny;
if (!tiny) throw new Error('replay-throughput: --tiny is required');
await replay(tiny); // loads binaryen once: a process cost, not a replay cost
const fixedSeconds = await seconds(() => replay(tiny));
const rssBefore = process.resourceUsage().maxRSS * 1024;
let events = 0;
let identical = false;
const replaySeconds = await seconds(async () => {
  const r = await replay(file);
  events = r.events;
  identical = r.identical;
});
const peakRssBytes = process.resourceUsage().maxRSS * 1024;
if (!identical) throw new Error(`replay of ${file} diverged: the benchmark trace must replay identically`);

// Live memory along the trace: a second replay, the heap collected and measured at every
// tenth of the file (needs --expose-gc). Peak RSS above mostly says how lazily V8 collects;
// this says whether anything stays alive as the trace goes on.
const gc = (globalThis as { gc?: () => void }).gc;
const liveHeap: { atBytes: number; heapUsedBytes: number }[] = [];
if (gc) {
  let next = 0;
  await replay(file, {
    onProgress: (done, total) => {
      if (done < next) return;
      next = done + total / 10;
      gc();
      liveHeap.push({ atBytes: done, heapUsedBytes: process.memoryUsage().heapUsed });
    },
  });
}

const stages: Record<string, { seconds: number; eventsPerSecond: number }> = {};
const stage = (name: string, s: number) => { stages[name] = { seconds: s, eventsPerSecond: events / s }; };
if ((args.values.stages ?? 'all') === 'all') {
  let n = 0;
  if (binary) {
    stage('checked records (CRC-32, order)', await seconds(async () => { const c = new BinaryCursor(file); try { while (c.next()) n += c.type; } finally { c.close(); } }));
    stage('records decoded as trace lines (readTrace)', await seconds(async () => { for await (const l of readTrace(file)) n += l.t.length; }));
  } else {
    stage('read lines (readline)', await seconds(() => lines(() => { n++; })));
    stage('read lines + JSON.parse', await seconds(() => lines((t) => { n += (JSON.parse(t) as { i?: number }).i ?? 0; })));
    stage('checked reader (readTrace)', await seconds(async () => { for await (const l of readTrace(file)) n += l.t.length; }));
  }
}
stage('replay() (minus the fixed cost of a replay)', replaySeconds - fixedSeconds);

emit({
  trace: { encoding: binary ? 'binary' : 'jsonl', bytes, events, bytesPerEvent: bytes / events },
  eventsPerSecond: events / replaySeconds,
  // Without the per-replay fixed cost (module compile + fuel instrumentation); null when that cost
  // is most of the replay (a short trace): the difference is then noise.
  steadyEventsPerSecond: replaySeconds - fixedSeconds > 0.2 * replaySeconds ? events / (replaySeconds - fixedSeconds) : null,
  seconds: replaySeconds,
  fixedSeconds,
  memory: {
    peakRssBeforeBytes: rssBefore, peakRssBytes, growthBytes: peakRssBytes - rssBefore, peakOverTraceSize: peakRssBytes / bytes, liveHeap,
    // Live heap at the end of the trace minus at its first tenth, over the bytes read in between.
    liveGrowthPerTraceByte: liveHeap.length > 2 ? (liveHeap[liveHeap.length - 1]!.heapUsedBytes - liveHeap[1]!.heapUsedBytes) / (liveHeap[liveHeap.length - 1]!.atBytes - liveHeap[1]!.atBytes) : null,
  },
  stages,
});
