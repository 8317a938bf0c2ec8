// `heapwise simulate --report`: the simulation with a Timeline attached, and its HTML page.
import type { PolicyModule } from '../module/policy-module.js';
import { simulate, type SimulateOptions, type SimulationReport } from '../simulate/run.js';
import { unroll, type Workload, type WorkloadEvent } from '../simulate/workload.js';
import { renderSimulationReport } from './html.js';
import { Timeline, type TimelineData } from './timeline.js';

export interface ReportOptions {
  /** Most points per chart series (default 2000). */
  maxPoints?: number;
  /** Violations listed in the page's table (default 200; all are counted). */
  maxViolations?: number;
  /** Buffers drawn one by one in the per-buffer chart (default 40; the rest are summed). */
  topBuffers?: number;
}

export interface SimulationWithTimeline {
  report: SimulationReport;
  timeline: TimelineData;
}

/**
 * Runs `simulate` with a Timeline watching. The x axis is the workload's event index, the
 * numbering violations use: simulate reports progress before running each event, so with
 * progressEvery 1 a second walk of the same events stays in step with it (the caller's own
 * onProgress is still called every `progressEvery` events).
 */
export function simulateWithTimeline(w: Workload, mod: PolicyModule, opts: SimulateOptions & ReportOptions = {}): SimulationWithTimeline {
  const walk = unroll(w);
  let current: WorkloadEvent | null = null;
  let seen = 0;
  const timeline = new Timeline({
    heaps: w.platform.heaps,
    ...(opts.maxPoints !== undefined ? { maxPoints: opts.maxPoints } : {}),
    ...(opts.maxViolations !== undefined ? { maxViolations: opts.maxViolations } : {}),
    labelOf: (c) => (current?.op === 'alloc' ? String(current.buf) : (c.request?.name ?? `#${c.buf}`)),
  });
  const every = opts.progressEvery ?? 10_000;
  const report = simulate(w, mod, {
    ...(opts.backend ? { backend: opts.backend } : {}),
    ...(opts.fallback !== undefined ? { fallback: opts.fallback } : {}),
    progressEvery: 1,
    onProgress: (done, total) => {
      if (done > seen) {
        seen = done;
        const next = walk.next();
        if (!next.done) {
          const [i, e] = next.value;
          current = e;
          timeline.at(i);
          // simulate counts naive syncs per CPU event, placed or not; so does the timeline.
          if (e.op === 'cpu') timeline.naiveAccess(String(e.buf));
        }
        if (opts.onProgress && done % every === 0) opts.onProgress(done, total);
      } else {
        opts.onProgress?.(done, total);
      }
    },
    engineHook: (engine) => {
      engine.observe(timeline);
      opts.engineHook?.(engine);
    },
  });
  for (const v of report.violations) timeline.violation(v);
  return { report, timeline: timeline.data(opts.topBuffers) };
}

/** The simulation and its self-contained HTML report. */
export function simulateWithReport(w: Workload, mod: PolicyModule, opts: SimulateOptions & ReportOptions = {}): { report: SimulationReport; html: string } {
  const { report, timeline } = simulateWithTimeline(w, mod, opts);
  return { report, html: renderSimulationReport(report, timeline, opts.maxViolations !== undefined ? { maxViolations: opts.maxViolations } : {}) };
}
