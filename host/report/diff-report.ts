// `heapwise diff --report`: diff()'s report plus both policies' timelines, and the HTML page.
import type { PolicyModule } from '../module/policy-module.js';
import type { DiffReport } from '../trace/diff.js';
import { diffWithTimelines } from './diff-timelines.js';
import { renderDiffReport } from './html.js';
import type { ReportOptions } from './simulate-report.js';

export async function diffWithReport(trace: string, a: PolicyModule, b: PolicyModule, opts: { first?: number } & ReportOptions = {}): Promise<{ report: DiffReport; html: string }> {
  const { report, timelines: [ta, tb] } = await diffWithTimelines(trace, a, b, opts);
  return { report, html: renderDiffReport(report, ta, tb) };
}
