// The HTML reports in headless Chromium, offline: every chart drawn, no errors, no request
// beyond the page itself, the violations table listing the broken module's violations, and
// nothing from an input file running as markup. Screenshots go to HEAPWISE_REPORT_SHOTS (or a
// temporary directory, printed).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffWithReport, simulateWithReport, writeReportFile } from '../../host/report/index.js';
import type { SimulationReport } from '../../host/simulate/run.js';
import type { DiffReport } from '../../host/trace/diff.js';
import type { Violation } from '../../host/referee/coherency.js';
import type { PolicyModule } from '../../host/module/policy-module.js';
import { policy } from '../support/modules.js';
import { findChromium, hover, launch, openReport, type Browser, type LoadedPage } from './chromium.js';
import { bundled, hostileWorkload, HOSTILE, recordTrace } from './fixtures.js';

const CHART_IDS = ['chart-bytes', 'chart-syncs', 'chart-buffers', 'chart-placement', 'chart-violations'];
const found = await findChromium();

if (!found.ok) {
  if (process.env.CI === 'true') {
    describe('HTML report in Chromium', () => {
      it('needs Chromium and playwright-core on CI', () => {
        throw new Error(`cannot test the HTML report: ${found.reason}`);
      });
    });
  } else {
    console.warn(`skipping the HTML report browser tests: ${found.reason}`);
    describe.skip(`HTML report in Chromium (skipped: ${found.reason})`, () => {
      it('renders', () => {});
    });
  }
} else {
  describe('HTML report in Chromium', () => {
    let browser: Browser;
    let dir: string;
    let shots: string;
    let def: PolicyModule;
    let broken: PolicyModule;

    const write = (name: string, html: string) => {
      const f = join(dir, name);
      writeReportFile(f, html);
      return f;
    };
    const rows = (p: LoadedPage, selector: string) =>
      p.page.$$eval(`${selector} tbody tr`, (trs) => trs.map((tr) => Array.from((tr as HTMLTableRowElement).cells).map((c) => c.textContent ?? '')));
    const asRow = (v: Violation) => [String(v.event), String(v.buf), v.kind, v.detail];

    /** What every report page must satisfy. */
    async function open(file: string, shot: string): Promise<LoadedPage> {
      const p = await openReport(browser, file);
      expect(p.errors).toEqual([]);
      expect(p.requests).toEqual([]);
      expect(p.dialogs).toEqual([]);
      expect(p.charts.map((c) => c.id)).toEqual(CHART_IDS);
      for (const c of p.charts) {
        expect(c.width, c.id).toBeGreaterThan(300);
        expect(c.height, c.id).toBeGreaterThan(100);
        expect(c.series, c.id).toBeGreaterThan(0);
        expect(c.points, c.id).toBeGreaterThan(0);
      }
      // The legend shows the values under the cursor: the formatters run without error.
      for (const id of CHART_IDS) expect(await hover(p, id), id).toMatch(/\d/);
      expect(p.errors).toEqual([]);
      await p.page.mouse.move(0, 0);
      await p.page.screenshot({ path: join(shots, shot), fullPage: true });
      return p;
    }
    const drawn = (p: LoadedPage, id: string) => p.charts.find((c) => c.id === id)!.coloured;

    beforeAll(async () => {
      if (!found.ok) return;
      dir = mkdtempSync(join(tmpdir(), 'heapwise-report-html-'));
      shots = process.env.HEAPWISE_REPORT_SHOTS ?? join(dir, 'screenshots');
      mkdirSync(shots, { recursive: true });
      console.log(`report screenshots: ${shots}`);
      def = await policy('default');
      broken = await policy('broken');
      browser = await launch(found.pw);
    });
    afterAll(async () => {
      await browser?.close();
      // Keep the screenshots (their path was printed), not the pages and traces.
      if (dir) for (const f of readdirSync(dir)) if (join(dir, f) !== shots) rmSync(join(dir, f), { recursive: true, force: true });
    });

    it('simulate: camera-isp-display under default', async () => {
      const { report, html } = simulateWithReport(bundled('camera-isp-display'), def);
      const file = write('camera.html', html);
      expect(statSync(file).size).toBeLessThan(250_000);
      const p = await open(file, 'simulate-camera.png');
      const info = Object.fromEntries(p.charts.map((c) => [c.id, c]));
      expect(info['chart-bytes']!.series).toBe(1);
      expect(info['chart-bytes']!.points).toBe(report.events);
      expect(info['chart-buffers']!.points).toBe(4);
      expect(await hover(p, 'chart-bytes')).toMatch(/event\d+linux,cma \(of 508 MiB\)21\.8 MiB/);
      for (const id of ['chart-bytes', 'chart-syncs', 'chart-buffers']) expect(drawn(p, id), id).toBeGreaterThan(100);
      expect(drawn(p, 'chart-violations')).toBe(0);
      expect(await p.page.textContent('#violations-list')).toContain('No coherency violations');
      const summary = Object.fromEntries(await rows(p, '#summary').then((r) => r.map(([k, v]) => [k, v])));
      expect(summary['syncs issued']).toBe(`${report.syncs.issued} (${report.syncs.start} START, ${report.syncs.end} END)`);
      expect(await p.page.textContent('#policies')).toContain(report.policy.sha256);
      await p.page.close();
    });

    it('simulate: cma-exhaustion shows the fallback and the failure', async () => {
      const { html } = simulateWithReport(bundled('cma-exhaustion'), def);
      const p = await open(write('cma.html', html), 'simulate-cma.png');
      expect(p.charts.find((c) => c.id === 'chart-bytes')!.series).toBe(2);
      expect(drawn(p, 'chart-placement')).toBeGreaterThan(0);
      await p.page.close();
    });

    it('simulate: the broken module\'s violations are listed', async () => {
      const { report, html } = simulateWithReport(bundled('camera-isp-display'), broken);
      expect(report.violations).toHaveLength(720);
      const p = await open(write('broken.html', html), 'simulate-broken.png');
      expect(drawn(p, 'chart-violations')).toBeGreaterThan(100);
      expect(await p.page.textContent('#violations-list h2')).toBe('Violations (720)');
      expect(await p.page.textContent('#violations-list .note')).toBe('The first 200 of 720 violations.');
      expect(await rows(p, '#violations')).toEqual(report.violations.slice(0, 200).map(asRow));
      await p.page.close();
    });

    it('diff: default against broken on one trace, side by side', async () => {
      const trace = recordTrace(bundled('camera-isp-display'), def, join(dir, 'camera.jsonl'));
      const { report, html }: { report: DiffReport; html: string } = await diffWithReport(trace, def, broken);
      const p = await open(write('diff.html', html), 'diff-camera.png');
      const info = Object.fromEntries(p.charts.map((c) => [c.id, c]));
      expect(info['chart-bytes']!.series).toBe(2); // linux,cma for A and for B
      expect(info['chart-syncs']!.series).toBe(3); // A, B, naive
      expect(info['chart-violations']!.series).toBe(2);
      expect(drawn(p, 'chart-violations')).toBeGreaterThan(100);
      expect(await p.page.textContent('#violations-a')).toBe('No coherency violations.');
      const b = await rows(p, '#violations-b');
      expect(b).toHaveLength(200);
      expect(b[0]).toEqual([expect.stringMatching(/^\d+$/), 'rpi4-yuv0', 'stale-read', expect.stringContaining('CPU reads lines')]);
      expect(await p.page.textContent('#violations-list')).toContain(`(${report.sides[1].violations})`);
      const diffs = await rows(p, '#differences');
      expect(diffs).toEqual(report.differences.map((d) => [String(d.call), d.op, String(d.buf), d.a, d.b]));
      const ids = await p.page.$$eval('#policies tbody tr', (trs) => trs.map((tr) => tr.textContent ?? ''));
      expect(ids[0]).toContain(report.sides[0].policy.sha256);
      expect(ids[1]).toContain(report.sides[1].policy.sha256);
      await p.page.close();
    });

    it('names from input files are shown as text, never run', async () => {
      const { report, html }: { report: SimulationReport; html: string } = simulateWithReport(hostileWorkload(), broken);
      const p = await open(write('hostile.html', html), 'hostile.png');
      expect(await p.page.$$eval('img, svg, i', (els) => els.length)).toBe(0);
      expect(await p.page.textContent('h1')).toBe(`heapwise simulate: ${HOSTILE.file}`);
      const summary = Object.fromEntries((await rows(p, '#summary')).map(([k, v]) => [k, v]));
      expect(summary.platform).toBe(HOSTILE.platform);
      expect(summary.workload).toBe(HOSTILE.file);
      expect(await rows(p, '#violations')).toEqual(report.violations.map(asRow));
      expect(report.violations[0]!.buf).toBe(HOSTILE.buf);
      const legend = await p.page.textContent('#chart-bytes .u-legend');
      expect(legend).toContain(HOSTILE.heap);
      await p.page.close();
    });
  });
}
