// heapwise replay: a trace's events through a module, answers compared byte for byte.
import { EXIT } from '../errors.js';
import { loadPolicyFile } from '../module/load-file.js';
import { replay as runReplay } from '../trace/replay.js';
import { isBinaryTraceFile, readTraceHeader } from '../trace/reader.js';
import { describeAnswer } from './answer-text.js';
import { progressBar } from './progress.js';

export async function replay(trace: string, opts: { policy?: string; json?: boolean }): Promise<number> {
  // --policy runs under the limits the trace was recorded with (fuel budget, log capability).
  const header = opts.policy ? readTraceHeader(trace) : null;
  const policy = opts.policy ? await loadPolicyFile(opts.policy, { fuel: header!.limits.fuel, logCapability: !!header!.limits.log }) : undefined;
  const bar = progressBar('replay', 1, 0);
  let report;
  try {
    report = await runReplay(trace, { ...(policy ? { policy } : {}), ...(bar ? { onProgress: (b, t) => bar.update(b, t) } : {}) });
  } finally {
    bar?.stop();
  }
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else if (report.identical) {
    process.stdout.write(`identical: ${report.events} events replayed with ${report.policy.name} ${report.policy.version} (recorded with ${report.recorded.name} ${report.recorded.version})\n`);
  } else {
    const d = report.divergence!;
    const where = isBinaryTraceFile(trace) ? `trace record ${d.line}, line ${d.line} of its dump` : `trace line ${d.line}`;
    process.stdout.write(`diverged at event ${d.event} (${where}) after ${report.events - 1} identical events\n`);
    process.stdout.write(`expected (recorded by ${report.recorded.name} ${report.recorded.version}):\n${describeAnswer(d.expected)}\n`);
    process.stdout.write(`actual (${report.policy.name} ${report.policy.version}):\n${describeAnswer(d.actual)}\n`);
  }
  return report.identical ? EXIT.OK : EXIT.DIVERGED;
}
