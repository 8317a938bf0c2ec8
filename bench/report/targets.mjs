// The targets, checked against a run's results for the report only: a missed target is
// written down, never a failure.
import { fmtNs, fmtPct, fmtRate, fmtX } from './format.mjs';

const MIB = 1 << 20;

function target(text, value, format, met) {
  return { text, measured: value === undefined || value === null || Number.isNaN(value) ? 'not measured' : format(value), met: value === undefined || value === null ? null : met(value) };
}

export function targets(r) {
  const node = r.decision?.node;
  const c = r.decision?.c;
  const vmRow = (host) => r.vm?.summary?.find((x) => x.host === host && x.size === MIB);
  const long = r.replay?.long;
  const mid = r.replay?.mid;
  // Bounded: the live heap (after a collection) does not grow as the replay reads on.
  const bounded = long?.memory?.liveGrowthPerTraceByte;
  return [
    target('Node decision <= 1.3x native TypeScript (p50)', node?.ratio?.p50, fmtX, (v) => v <= 1.3),
    target('Node decision <= 300 ns (p50)', node?.decision?.wasm?.p50, fmtNs, (v) => v <= 300),
    target('C decision <= 100 ns (p50)', c?.decision?.wasm?.p50, fmtNs, (v) => v <= 100),
    target('Recording overhead <= ~20 % of the per-event time', r.recording?.overhead?.p50, fmtPct, (v) => v <= 0.2),
    target('Node replay >= 1 M events/s', long?.eventsPerSecond, fmtRate, (v) => v >= 1e6),
    target('Replay memory bounded (live heap growth per trace byte read, long trace)', bounded, (v) => `${v.toFixed(5)} B/B`, (v) => v < 0.001),
    target('Engine <= 2 % of a real 1 MiB cycle (C, in the VM, TCG)', vmRow('c')?.engineShare, fmtPct, (v) => v <= 0.02),
    target('Engine <= 2 % of a real 1 MiB cycle (Node, in the VM, TCG)', vmRow('node')?.engineShare, fmtPct, (v) => v <= 0.02),
    target('Same, without TCG (C; estimate, see the VM section)', vmRow('c')?.hostShareEstimate, fmtPct, (v) => v <= 0.02),
    target('Same, without TCG (Node; estimate, see the VM section)', vmRow('node')?.hostShareEstimate, fmtPct, (v) => v <= 0.02),
  ];
}
