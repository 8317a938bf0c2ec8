// Timelines for `heapwise diff --report`: a Timeline and a referee hooked onto each side of the
// one diff() pass. The x axis is the trace's call number, the numbering of diff's differing calls.
import type { Buffer } from '../engine/buffer.js';
import type { PolicyModule } from '../module/policy-module.js';
import { parsePlatform } from '../platform/parse.js';
import { Referee } from '../referee/coherency.js';
import { diff, type DiffReport, type TraceCall } from '../trace/diff.js';
import { readTrace, type TraceHeader } from '../trace/reader.js';
import type { ReportOptions } from './simulate-report.js';
import { Timeline, type TimelineData } from './timeline.js';

/** diff()'s report and both policies' timelines, in one pass over the trace. */
export async function diffWithTimelines(file: string, a: PolicyModule, b: PolicyModule, opts: { first?: number } & ReportOptions = {}): Promise<{ report: DiffReport; timelines: [TimelineData, TimelineData] }> {
  const it = readTrace(file);
  const header = (await it.next()).value as TraceHeader;
  await it.return(undefined);
  const platform = parsePlatform(header.platform, file, 'line 1 /platform');
  const finishers: (() => TimelineData)[] = [];
  const report = await diff(file, a, b, {
    ...(opts.first !== undefined ? { first: opts.first } : {}),
    side: (engine, which) => {
      let call: TraceCall | null = null;
      let buffer: Buffer | undefined;
      const timeline = new Timeline({
        heaps: platform.heaps,
        ...(opts.maxPoints !== undefined ? { maxPoints: opts.maxPoints } : {}),
        ...(opts.maxViolations !== undefined ? { maxViolations: opts.maxViolations } : {}),
        labelOf: (c) => (call ? call.name ?? `#${call.buf}` : `#${c.buf}`),
      });
      const referee = new Referee(platform, { locate: (ev, buf) => ({ event: ev.call, buf: timeline.bufferLabel(buf.id) }) });
      engine.observe(referee);
      engine.observe(timeline);
      // Moves the referee's findings into the timeline, so memory stays bounded on long traces.
      const drain = () => {
        for (const v of referee.violations) timeline.violation(v);
        referee.violations.length = 0;
      };
      finishers[which] = () => { drain(); return timeline.data(opts.topBuffers); };
      return {
        beforeCall: (c, buf) => { call = c; buffer = buf; timeline.at(c.n); },
        afterCall: (c) => {
          if (c.op === 'cpu_begin' && buffer && buffer.cpuAccess !== 0) timeline.naiveAccess(timeline.bufferLabel(buffer.id));
          drain();
        },
      };
    },
  });
  return { report, timelines: [finishers[0]!(), finishers[1]!()] };
}
