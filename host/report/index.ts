// The HTML report (simulate --report, diff --report): what the CLI wires in.
export { simulateWithReport, simulateWithTimeline, type ReportOptions, type SimulationWithTimeline } from './simulate-report.js';
export { diffWithReport } from './diff-report.js';
export { diffWithTimelines } from './diff-timelines.js';
export { renderSimulationReport, renderDiffReport, type RenderOptions } from './html.js';
export { Timeline, type TimelineOptions, type TimelineData, type BufferSyncs } from './timeline.js';
export { writeReportFile } from './write-file.js';
