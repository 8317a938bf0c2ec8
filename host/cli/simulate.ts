// heapwise simulate: a workload through a policy, refereed.
import { EXIT } from '../errors.js';
import { outputTarget } from '../output-file.js';
import { loadPolicyFile } from '../module/load-file.js';
import { loadPlatformFile } from '../platform/parse.js';
import { simulate as runSimulation, type SimulationFault } from '../simulate/run.js';
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
  /** Policy that takes over when the module faults (path or built-in name), or 'none'; default 'default'. */
  fallback?: string;
}

export async function simulate(opts: SimulateCliOptions): Promise<number> {
  // A report path that cannot take a file is told before the session, not after it.
  if (opts.report) outputTarget(opts.report);
  const platform = opts.platform ? loadPlatformFile(opts.platform) : undefined;
  const workload = loadWorkloadFile(opts.workload, platform);
  const mod = await loadPolicyFile(opts.policy, { logCapability: !!opts.log });
  // As Engine.load and the C host: a fault hands the session to the default policy, as in production.
  const fallbackSpec = opts.fallback ?? 'default';
  const fallback = fallbackSpec === 'none' ? null : await loadPolicyFile(fallbackSpec, { logCapability: !!opts.log });
  const backend = await createBackend(opts.backend ?? 'model', workload.platform);
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
      fallback,
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
  process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatSimulation(report)}${formatFaults(report.faults)}\n`);
  // Everything is written first; a fault outranks violations, which the fallback may have caused.
  if (report.faults.length) {
    for (const f of report.faults) process.stderr.write(`heapwise: ${faultSentence(f, opts.record)}\n`);
    return EXIT.INTERNAL;
  }
  return report.violations.length ? EXIT.VIOLATIONS : EXIT.OK;
}

function faultSentence(f: SimulationFault, record?: string): string {
  const where = `${f.message} (${f.kind}) at workload event ${f.event}, buffer ${f.buf} (trace event ${f.engineEvent})`;
  if (f.fallback) return `${where}; the fallback ${f.fallback.name} ${f.fallback.version} served the rest of the session (exit 1: policy fault)`;
  return `${where}; no fallback took over: the session stopped at that event${record ? ` and the trace ${record} ends with the fault` : ''}`;
}

function formatFaults(faults: SimulationFault[]): string {
  if (!faults.length) return '';
  const lines = faults.map((f) => `  event ${f.event} (buffer ${f.buf}, trace event ${f.engineEvent}): ${f.policy.name} ${f.kind}: ${f.message} -> ${f.fallback ? `fallback ${f.fallback.name} ${f.fallback.version}` : 'session stopped'}`);
  return `\n\npolicy faults:\n${lines.join('\n')}`;
}
