// heapwise replay: a trace's events through a module, answers compared byte for byte.
import { EXIT } from '../errors.js';
import { loadPolicyFile } from '../module/load-file.js';
import { replay as runReplay } from '../trace/replay.js';
import { isBinaryTraceFile, readTraceHeader } from '../trace/reader.js';
import { describeAnswer } from './answer-text.js';
import { progressBar } from './progress.js';

/** A line of a divergence for people, whatever its type: a log line, an answer, or a fault. */
export function describeReplayLine(text: string): string {
  if (text.startsWith('{"t":"log"')) {
    const l = JSON.parse(text) as { fd: number; text: string };
    return `  log line (fd ${l.fd}): ${l.text}`;
  }
  if (text.startsWith('fault:')) return `  fault (${text.slice(6)})`;
  return describeAnswer(text);
}

/** A log line as --log prints it: whose, which event, the text. */
function logText(line: string, recorded: boolean): string {
  const l = JSON.parse(line) as { i: number; fd: number; text: string };
  return `[${recorded ? 'recorded' : 'replayed'} event ${l.i}${l.fd === 2 ? ' stderr' : ''}] ${l.text}\n`;
}

export async function replay(trace: string, opts: { policy?: string; json?: boolean; log?: boolean }): Promise<number> {
  // --policy runs under the limits the trace was recorded with (fuel budget, log capability).
  const header = opts.policy || opts.log ? readTraceHeader(trace) : null;
  const policy = opts.policy ? await loadPolicyFile(opts.policy, { fuel: header!.limits.fuel, logCapability: !!header!.limits.log }) : undefined;
  // A trace recorded with logs has them compared with the module's: printing the recorded ones
  // shows both until a divergence, which the report then shows. Without recorded logs, the
  // replayed module's own lines are the only ones.
  const showReplayed = !header?.limits.log;
  const onLog = opts.log ? (line: string, recorded: boolean) => { if (recorded || showReplayed) process.stderr.write(logText(line, recorded)); } : undefined;
  const bar = opts.log ? null : progressBar('replay', 1, 0);
  let report;
  try {
    report = await runReplay(trace, { ...(policy ? { policy } : {}), ...(onLog ? { onLog } : {}), ...(bar ? { onProgress: (b, t) => bar.update(b, t) } : {}) });
  } finally {
    bar?.stop();
  }
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else if (report.identical) {
    // Engine events (the trace's event lines, PLACE retries included), not `simulate`'s workload steps.
    process.stdout.write(`identical: ${report.events} events replayed (engine events: the trace's event lines) with ${report.policy.name} ${report.policy.version} (recorded with ${report.recorded.name} ${report.recorded.version})\n`);
  } else {
    const d = report.divergence!;
    const where = isBinaryTraceFile(trace) ? `trace record ${d.line}, line ${d.line} of its dump` : `trace line ${d.line}`;
    process.stdout.write(`diverged at event ${d.event} (${where}) after ${report.events - 1} identical events\n`);
    process.stdout.write(`expected (recorded by ${report.recorded.name} ${report.recorded.version}):\n${describeReplayLine(d.expected)}\n`);
    process.stdout.write(`actual (${report.policy.name} ${report.policy.version}):\n${describeReplayLine(d.actual)}\n`);
  }
  return report.identical ? EXIT.OK : EXIT.DIVERGED;
}
