// heapwise simulate: a workload through a policy, refereed.
import { EXIT } from '../errors.js';
import { loadPolicyFile } from '../module/load-file.js';
import { loadPlatformFile } from '../platform/parse.js';
import { simulate as runSimulation } from '../simulate/run.js';
import { loadWorkloadFile } from '../simulate/workload.js';
import { createBackend } from './backend-choice.js';
import { formatSimulation } from './format.js';
import { progressBar } from './progress.js';
import { TraceFile } from '../trace/file-sink.js';
import { TraceRecorder } from '../trace/recorder.js';
import { simulateWithReport, writeReportFile } from '../report/index.js';

export interface SimulateCliOptions {
  workload: string;
  platform?: string;
  policy?: string;
  json?: boolean;
  backend?: string;
  record?: string;
  log?: boolean;
  report?: string;
}

export async function simulate(opts: SimulateCliOptions): Promise<number> {
  const platform = opts.platform ? loadPlatformFile(opts.platform) : undefined;
  const workload = loadWorkloadFile(opts.workload, platform);
  const mod = await loadPolicyFile(opts.policy, { logCapability: !!opts.log });
  const backend = await createBackend(opts.backend ?? 'model');
  const bar = progressBar('simulate', workload.length);
  const trace = opts.record ? new TraceFile(opts.record) : null;
  let recorder: TraceRecorder | null = null;
  let report;
  let html: string | null = null;
  try {
    const run = opts.report
      ? (w: typeof workload, m: typeof mod, o: Parameters<typeof runSimulation>[2]) => {
          const r = simulateWithReport(w, m, o ?? {});
          html = r.html;
          return r.report;
        }
      : runSimulation;
    report = run(workload, mod, {
      backend,
      ...(bar ? { onProgress: bar.update } : {}),
      engineHook: (e) => {
        if (opts.log) e.observe({ onLog: (ev, l) => process.stderr.write(`[${mod.label.split('/').pop()} event ${ev.index} buffer ${ev.buf}] ${l.text}\n`) });
        if (trace) recorder = new TraceRecorder(trace.encoder()).attach(e, 'node', mod.label);
      },
    });
    (recorder as TraceRecorder | null)?.finish();
    if (opts.report && html !== null) writeReportFile(opts.report, html);
    trace?.commit();
  } catch (e) {
    trace?.abort();
    throw e;
  } finally {
    bar?.stop();
  }
  process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatSimulation(report)}\n`);
  return report.violations.length ? EXIT.VIOLATIONS : EXIT.OK;
}
