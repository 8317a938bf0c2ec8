// A long trace for the replay benchmark, recorded the way a user records one: `heapwise simulate
// --record` on a bundled workload (camera-isp-display) with its loop repeated until the trace
// holds at least `minEvents` events; binary (.hwtrace) or JSON Lines (.jsonl).
import { spawnSync } from 'node:child_process';
import { closeSync, fstatSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const WORKLOAD = 'examples/workloads/camera-isp-display.json';

/** Engine events one workload entry hands the policy (device and cpu: a begin and an end). */
const eventsOf = (e) => (e.op === 'device' || e.op === 'cpu' ? 2 : 1);

/** Writes the workload and its trace under `dir`; returns { trace, events, iterations }. */
export function recordLongTrace(root, dir, minEvents, label, ext = 'jsonl') {
  const source = join(root, WORKLOAD);
  const w = JSON.parse(readFileSync(source, 'utf8'));
  const perIteration = w.loop.reduce((n, e) => n + eventsOf(e), 0);
  const fixed = [...(w.setup ?? []), ...(w.teardown ?? [])].reduce((n, e) => n + eventsOf(e), 0);
  const iterations = Math.max(1, Math.ceil((minEvents - fixed) / perIteration));
  const workload = join(dir, `${label}.workload.json`);
  writeFileSync(workload, JSON.stringify({ ...w, platform: resolve(dirname(source), w.platform), iterations }));
  const trace = join(dir, `${label}.${ext}`);
  const r = spawnSync(process.execPath, [join(root, 'bin/heapwise.js'), 'simulate', '--workload', workload, '--record', trace, '--json'], {
    cwd: root, encoding: 'utf8', maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`heapwise simulate --record failed (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  return { trace, events: endCounts(trace, ext).events, iterations };
}

/** The counts of a trace's end record: the last line, or the last 8 bytes of a binary trace. */
function endCounts(file, ext) {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.alloc(Math.min(4096, size));
    readSync(fd, buf, 0, buf.length, size - buf.length);
    if (ext === 'hwtrace') return { calls: buf.readUInt32LE(buf.length - 8), events: buf.readUInt32LE(buf.length - 4) };
    return JSON.parse(buf.toString('utf8').trim().split('\n').pop());
  } finally {
    closeSync(fd);
  }
}
