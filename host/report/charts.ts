// The report's five charts: where each is drawn (page-script.ts draws by id) and how to read it.
import { escapeHtml } from './escape.js';
import type { TimelineData } from './timeline.js';

export type ReportKind = 'simulate' | 'diff';

interface ChartSpec {
  id: string;
  title: string;
  how: (kind: ReportKind) => string;
  /** What an empty chart means, when no timeline has anything to draw. */
  empty: string;
  has: (t: TimelineData) => boolean;
}

const any = (a: number[]) => a.some((v) => v !== 0);

const sides = (kind: ReportKind) => (kind === 'diff' ? ' Policy A is drawn solid (blue), B dashed or orange.' : '');

export const CHARTS: readonly ChartSpec[] = [
  {
    id: 'chart-bytes',
    title: 'Bytes in use per heap',
    how: (k) => `Bytes allocated from each heap as the run goes on (successful ALLOCs minus frees). Each point is the most in use within its span, so a short peak stays visible. A heap that reaches its size is where allocations begin to fall back or fail.${k === 'diff' ? ' Policy A solid, B dashed; one colour per heap.' : ''}`,
    empty: 'Nothing was allocated.',
    has: (t) => t.heaps.length > 0,
  },
  {
    id: 'chart-syncs',
    title: 'Syncs issued against naive bracketing',
    how: (k) => `Running totals of DMA_BUF_IOCTL_SYNC calls the policy issued, and of what naive bracketing issues (a START and an END around every CPU access). The gap is what the policy saves; a line above naive syncs more than needed.${sides(k)}`,
    empty: 'No CPU access and no sync in this run.',
    has: (t) => t.totals.syncs + t.totals.naive > 0,
  },
  {
    id: 'chart-buffers',
    title: 'Syncs per buffer',
    how: (k) => `Per buffer the CPU accessed or that got a sync (the ones with the most first), grey: naive; coloured: syncs issued. A buffer with no coloured bar needed none (uncached heap, only coherent devices).${sides(k)}`,
    empty: 'No buffer was accessed by the CPU or synced.',
    has: (t) => t.buffers.length > 0,
  },
  {
    id: 'chart-placement',
    title: 'Fallbacks and failed placements',
    how: (k) => `Per span of the run: ALLOC attempts the heap refused with an errno (the policy was asked again without that heap: a fallback), and placements where no heap fitted (red).${sides(k)}`,
    empty: 'No fallbacks and no failed placements in this run.',
    has: (t) => any(t.fallbacks) || any(t.failures),
  },
  {
    id: 'chart-violations',
    title: 'Coherency violations',
    how: (k) => `Per span of the run: syncs missing or misplaced according to the coherency referee. Any violation means CPU or device reads stale or unflushed data on real hardware; the table below lists them.${sides(k)}`,
    empty: 'No coherency violations in this run.',
    has: (t) => t.totals.violations > 0,
  },
];

export function chartSections(kind: ReportKind, timelines: TimelineData[]): string {
  return CHARTS.map((c) => `<section class="chart" id="${c.id}">
<h2>${escapeHtml(c.title)}</h2>
<p class="how">${escapeHtml(c.how(kind))}</p>
${timelines.some(c.has) ? '' : `<p class="none">${escapeHtml(c.empty)}</p>\n`}<div class="plot"></div>
</section>`).join('\n');
}
