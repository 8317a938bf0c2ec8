// Measures the candidate replay (scan-replay.ts) against host/trace/replay.ts: first both must
// give the same verdict (identical, event count, and for a divergence the event, line, expected
// and actual text) on a trace as recorded, on a copy with one answer changed, and with another
// policy; then both replay the same trace in this process, and the scanner replays the long one.
//   node fast-replay.js --trace MID.jsonl --long LONG.jsonl --tiny TINY.jsonl --tmp DIR
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { replay } from '../../host/trace/replay.js';
import { benchArgs, emit } from '../lib/args.js';
import { loadPolicy } from '../lib/fixture.js';
import { scanReplay } from './scan-replay.js';

const args = benchArgs();
const { trace, long, tiny, tmp } = args.values;
if (!trace || !long || !tiny || !tmp) throw new Error('fast-replay: --trace, --long, --tiny and --tmp are required');

// A copy of the tiny trace with the last explanation of one answer changed.
const mutated = join(tmp, 'mutated.jsonl');
const lines = readFileSync(tiny, 'utf8').split('\n');
const at = lines.findIndex((l, i) => i > lines.length / 2 && l.startsWith('{"t":"answer"') && l.includes('"explain":[['));
lines[at] = lines[at]!.replace(/\]\],"state"/, '9]],"state"').replace(/,(\d+)9\]\],"state"/, ',$19]],"state"');
writeFileSync(mutated, lines.join('\n'));

const naive = await loadPolicy(args.root, 'naive');
const verdict = (r: { identical: boolean; events: number; divergence: unknown } | null) => JSON.stringify(r && { identical: r.identical, events: r.events, divergence: r.divergence });
const checks: { name: string; same: boolean; host: string; scan: string }[] = [];
for (const [name, file, policy] of [['as recorded', tiny, undefined], ['one answer changed', mutated, undefined], ['replayed with naive', tiny, naive], ['long trace, as recorded', trace, undefined]] as const) {
  const host = verdict(await replay(file, policy ? { policy } : {}));
  const scan = verdict(await scanReplay(file, policy ? { policy } : {}));
  checks.push({ name, same: host === scan, host, scan });
}
if (checks.some((c) => !c.same)) {
  emit({ checks });
  process.exit(3);
}

const seconds = async (fn: () => Promise<unknown>) => { const t0 = performance.now(); await fn(); return (performance.now() - t0) / 1000; };
await scanReplay(tiny); // warm both paths once
await replay(tiny);
const fixedScan = await seconds(() => scanReplay(tiny));
let events = 0;
const scanMid = await seconds(async () => { events = (await scanReplay(trace))!.events; });
const hostMid = await seconds(() => replay(trace));
let longEvents = 0;
const scanLong = await seconds(async () => { longEvents = (await scanReplay(long))!.events; });
emit({
  checks: checks.map((c) => c.name),
  mid: { events, hostSeconds: hostMid, scanSeconds: scanMid, hostEventsPerSecond: events / hostMid, scanEventsPerSecond: events / scanMid, speedup: hostMid / scanMid },
  long: { events: longEvents, seconds: scanLong, eventsPerSecond: longEvents / scanLong, steadyEventsPerSecond: longEvents / Math.max(1e-9, scanLong - fixedScan) },
  peakRssBytes: process.resourceUsage().maxRSS * 1024,
});
