// The Deno host's side of test/cross-host/cross-host.test.ts: the same session and replay code as
// the Node side (session.ts), run by Deno, several jobs per process (Deno starts slowly):
//   deno run --sloppy-imports --allow-read --allow-write test/cross-host/deno-host.ts record JOBS.json
//     JOBS.json: [{"spec": SessionSpec, "out": "x.jsonl"}, ...]: each session's trace to its file
//   deno run --sloppy-imports --allow-read --allow-write test/cross-host/deno-host.ts replay T1.jsonl T2.jsonl ...
//     prints {"T1.jsonl": {identical, events, divergence}, ...} as one line of JSON
// Written against Node's API (node:process) so that tsc checks it with the rest of the tests.
import { readFileSync, writeFileSync } from 'node:fs';
import process from 'node:process';
import { recordSession, replayTrace, type SessionSpec } from './session.js';

const [command, ...args] = process.argv.slice(2);
if (command === 'record' && args.length === 1) {
  const jobs = JSON.parse(readFileSync(args[0]!, 'utf8')) as { spec: SessionSpec; out: string }[];
  for (const job of jobs) {
    const lines = await recordSession({ ...job.spec, host: 'deno' });
    writeFileSync(job.out, `${lines.join('\n')}\n`);
  }
} else if (command === 'replay' && args.length > 0) {
  const results: Record<string, unknown> = {};
  for (const trace of args) results[trace] = await replayTrace(trace);
  console.log(JSON.stringify(results));
} else {
  console.error('usage: deno-host.ts record JOBS.json | replay TRACE.jsonl ...');
  process.exit(2);
}
