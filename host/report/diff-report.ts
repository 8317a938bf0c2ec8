// `heapwise diff --report`: diff()'s report plus both policies' timelines, and the HTML page.
import type { PolicyModule } from '../module/policy-module.js';
import { diff, type DiffReport } from '../trace/diff.js';
import { diffTimelines } from './diff-timelines.js';
import { renderDiffReport } from './html.js';
import type { ReportOptions } from './simulate-report.js';

export async function diffWithReport(trace: string, a: PolicyModule, b: PolicyModule, opts: { first?: number } & ReportOptions = {}): Promise<{ report: DiffReport; html: string }> {
  const report = await diff(trace, a, b, opts.first !== undefined ? { first: opts.first } : {});
  const [ta, tb] = await diffTimelines(trace, a, b, opts);
  return { report, html: renderDiffReport(report, ta, tb) };
}
