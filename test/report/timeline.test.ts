// The report's data without a browser: bounded series, totals equal to what simulate and diff
// report, the x axis in step with the workload's event numbering, escaping, atomic writes.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Buckets } from '../../host/report/buckets.js';
import { escapeHtml, jsonForScript } from '../../host/report/escape.js';
import { diffWithReport, diffWithTimelines, simulateWithReport, simulateWithTimeline, writeReportFile } from '../../host/report/index.js';
import { simulate } from '../../host/simulate/run.js';
import { parseWorkload, unroll } from '../../host/simulate/workload.js';
import { diff } from '../../host/trace/diff.js';
import { InputError } from '../../host/errors.js';
import type { PolicyModule } from '../../host/module/policy-module.js';
import { policy } from '../support/modules.js';
import { EXAMPLES } from '../support/platforms.js';
import { bundled, hostileWorkload, HOSTILE, recordTrace } from './fixtures.js';

const WORKLOADS = readdirSync(join(EXAMPLES, 'workloads')).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')).sort();
const sum = (a: number[]) => a.reduce((n, v) => n + v, 0);
let tmp: string;
let def: PolicyModule;
let broken: PolicyModule;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'heapwise-report-'));
  def = await policy('default');
  broken = await policy('broken');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('Buckets', () => {
  it('keeps at most maxPoints buckets, the maximum of gauges and the sum of counters', () => {
    const b = new Buckets(100, 1, 1);
    for (let x = 0; x < 10_000; x++) {
      b.at(x);
      b.set(0, x === 5001 ? 1000 : 1);
      b.add(0);
    }
    const s = b.series();
    expect(s.x.length).toBeLessThanOrEqual(100);
    expect(s.x.length).toBeGreaterThan(50);
    expect(s.width).toBe(128);
    expect(sum(s.counters[0]!)).toBe(10_000);
    expect(s.gauges[0]![Math.floor(5001 / s.width)]).toBe(1000);
    expect(Math.max(...s.gauges[0]!.filter((_, i) => i !== Math.floor(5001 / s.width)))).toBe(1);
  });

  it('carries a gauge into buckets where nothing changed', () => {
    const b = new Buckets(10, 1, 0);
    b.at(0); b.set(0, 7);
    b.at(5);
    expect(b.series().gauges[0]).toEqual([7, 7, 7, 7, 7, 7]);
  });
});

describe('simulate timeline', () => {
  it.each(WORKLOADS)('%s: totals equal the simulation report', async (name) => {
    for (const mod of [def, broken]) {
      const { report, timeline: t } = simulateWithTimeline(bundled(name), mod);
      expect(t.totals.syncs).toBe(report.syncs.issued);
      expect(t.totals.naive).toBe(report.syncs.naive);
      expect(t.totals.failures).toBe(report.failures);
      expect(t.totals.violations).toBe(report.violations.length);
      expect(sum(t.syncs)).toBe(report.syncs.issued);
      expect(sum(t.naive)).toBe(report.syncs.naive);
      expect(sum(t.buffers.map((b) => b.issued))).toBe(report.syncs.issued);
      expect(sum(t.buffers.map((b) => b.naive))).toBe(report.syncs.naive);
      expect(Object.fromEntries(t.heaps.map((h) => [h.name, h.peak]))).toEqual(report.peakBytes);
      expect(t.events).toBe(report.events);
      expect(t.firstViolations).toEqual(report.violations.slice(0, 200));
    }
  });

  it('is in step with the workload event numbering (failure, fallback and violations land on their events)', () => {
    const w = bundled('cma-exhaustion');
    const { timeline: t } = simulateWithTimeline(w, def);
    expect(t.width).toBe(1);
    const at = (buf: string) => [...unroll(w)].find(([, e]) => e.op === 'alloc' && e.buf === buf)![0];
    expect(t.failures.flatMap((n, i) => (n ? [i] : []))).toEqual([at('cam0')]);
    // rt16 falls back to system after ENOMEM from linux,cma; cam0 retries too, then fails.
    expect(t.fallbacks.flatMap((n, i) => (n ? [i] : []))).toEqual([at('rt16'), at('cam0')]);

    const cam = simulateWithTimeline(bundled('camera-isp-display'), broken);
    expect(cam.timeline.width).toBe(1);
    const events = [...new Set(cam.report.violations.map((v) => v.event))];
    expect(cam.timeline.violations.flatMap((n, i) => (n ? [i] : []))).toEqual(events);
    // Every violation is a CPU read, and that is where the timeline counted naive syncs.
    for (const e of events) expect(cam.timeline.naive[e]).toBe(2);
  });

  it('labels buffers by their workload id', () => {
    const { timeline: t } = simulateWithTimeline(bundled('camera-isp-display'), def);
    expect(t.buffers.map((b) => b.label).sort()).toEqual(['yuv0', 'yuv1', 'yuv2', 'yuv3']);
  });

  it('still calls the caller\'s onProgress as simulate would', () => {
    const seen: number[][] = [];
    const plain: number[][] = [];
    const w = bundled('software-render');
    simulateWithTimeline(w, def, { progressEvery: 500, onProgress: (d, t) => seen.push([d, t]) });
    simulate(w, def, { progressEvery: 500, onProgress: (d, t) => plain.push([d, t]) });
    expect(seen).toEqual(plain);
  });

  it('a million-event run gives at most 2000 points and a page of a few hundred KB', async () => {
    const file = join(EXAMPLES, 'workloads', 'camera-isp-display.json');
    const json = JSON.parse(readFileSync(file, 'utf8')) as { loop: unknown[]; iterations: number };
    json.iterations = Math.ceil(1_000_000 / json.loop.length);
    const w = parseWorkload(json, file);
    expect(w.length).toBeGreaterThanOrEqual(1_000_000);
    const { report, html } = simulateWithReport(w, def);
    const data = JSON.parse(/<script type="application\/json" id="heapwise-data">([^<]*)<\/script>/.exec(html)![1]!) as { sides: { timeline: { x: number[]; syncs: number[] } }[] };
    const t = data.sides[0]!.timeline;
    expect(t.x.length).toBeLessThanOrEqual(2000);
    expect(sum(t.syncs)).toBe(report.syncs.issued);
    expect(html.length).toBeLessThan(400_000);
  }, 120_000);
});

describe('diff timelines', () => {
  it('count what diff() counts, per side', async () => {
    const trace = recordTrace(bundled('camera-isp-display'), def, join(tmp, 'cam.jsonl'));
    const { report, timelines: [a, b] } = await diffWithTimelines(trace, def, broken);
    const plain = await diff(trace, def, broken);
    expect(report).toEqual(plain);
    for (const [side, t] of [[report.sides[0], a], [report.sides[1], b]] as const) {
      expect(t.totals.syncs).toBe(side.syncs.issued);
      expect(t.totals.naive).toBe(side.syncs.naive);
      expect(t.totals.failures).toBe(side.failures);
      expect(t.totals.violations).toBe(side.violations);
      expect(t.events).toBe(report.calls);
    }
    expect(b.totals.violations).toBe(720);
    // Violations are numbered by trace call, like diff's differing calls, and named by buffer.
    expect(b.firstViolations[0]).toMatchObject({ kind: 'stale-read', buf: 'rpi4-yuv0' });
    expect(report.differences.map((d) => d.call)).toContain(b.firstViolations[0]!.event);
  });

  it('diffWithReport returns diff()\'s report and a page', async () => {
    const trace = recordTrace(bundled('cma-exhaustion'), def, join(tmp, 'cma.jsonl'));
    const { report, html } = await diffWithReport(trace, def, await policy('naive'));
    expect(report).toEqual(await diff(trace, def, await policy('naive')));
    expect(html).toContain('heapwise diff');
  });
});

describe('escaping', () => {
  it('JSON data cannot close its script element or open a comment', () => {
    const s = jsonForScript({ a: '</script><!-- & \u2028' });
    expect(s).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(s)).toEqual({ a: '</script><!-- & \u2028' });
  });

  it('HTML text escapes markup and quotes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('no name from a workload or platform reaches the page as markup', async () => {
    const { report, html } = simulateWithReport(hostileWorkload(), broken);
    expect(report.violations.length).toBeGreaterThan(0);
    for (const s of Object.values(HOSTILE)) expect(html).not.toContain(s);
    expect(html).toContain(escapeHtml(HOSTILE.buf));
    expect(html).not.toMatch(/<img|<svg|<i>/i);
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html.match(/<\/script/g)).toHaveLength(3);
  });
});

describe('writeReportFile', () => {
  it('writes the page and leaves no temporary file', () => {
    const f = join(tmp, 'r.html');
    writeReportFile(f, '<!doctype html>x');
    expect(readFileSync(f, 'utf8')).toBe('<!doctype html>x');
    expect(readdirSync(tmp).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it('names the path when it cannot write', () => {
    const f = join(tmp, 'no-such-dir', 'r.html');
    expect(() => writeReportFile(f, 'x')).toThrow(InputError);
    expect(() => writeReportFile(f, 'x')).toThrow(f);
    expect(existsSync(join(tmp, 'no-such-dir'))).toBe(false);
  });
});
