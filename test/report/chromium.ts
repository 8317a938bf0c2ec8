// Headless Chromium for the report tests: Debian's chromium package driven by playwright-core
// (which never downloads a browser here: executablePath points at the system one).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';

export const CHROMIUM = process.env.HEAPWISE_CHROMIUM ?? '/usr/bin/chromium';

const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export type Found = { ok: true; pw: typeof import('playwright-core') } | { ok: false; reason: string };

/** Whether the browser and its driver are installed, and what to install if not. */
export async function findChromium(): Promise<Found> {
  if (!existsSync(CHROMIUM)) return { ok: false, reason: `Chromium not found at ${CHROMIUM} (apt-get install -y --no-install-recommends chromium, or set HEAPWISE_CHROMIUM)` };
  try {
    return { ok: true, pw: await import('playwright-core') };
  } catch (e) {
    return { ok: false, reason: `playwright-core is not installed (npm install --save-dev playwright-core): ${(e as Error).message.split('\n')[0]}` };
  }
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A fresh profile, offline; root needs --no-sandbox. */
export async function launch(pw: typeof import('playwright-core')): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'heapwise-chromium-'));
  const context = await pw.chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: ARGS, offline: true,
    viewport: { width: 1200, height: 900 }, deviceScaleFactor: 1,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface ChartInfo {
  id: string;
  width: number;
  height: number;
  /** Series drawn (without the x series). */
  series: number;
  points: number;
  /** Pixels in colour (the grid and axes are grey): how much of the series was drawn. */
  coloured: number;
}

export interface LoadedPage {
  page: Page;
  errors: string[];
  /** Requests other than the page itself (there must be none). */
  requests: string[];
  dialogs: string[];
  charts: ChartInfo[];
}

/**
 * Opens a report from a file:// URL with every other request aborted and recorded, waits for
 * the charts, and reads what uPlot drew.
 */
export async function openReport(b: Browser, file: string): Promise<LoadedPage> {
  const url = pathToFileURL(file).href;
  const page = await b.context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('request', (r) => { if (r.url() !== url) requests.push(r.url()); });
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  await page.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
  await page.goto(url);
  await page.waitForSelector('html[data-charts]', { timeout: 15_000 }).catch(() => errors.push('charts were never drawn (no data-charts attribute)'));
  const charts = await page.evaluate(() => {
    const list = (window as unknown as { heapwiseCharts?: { id: string; plot: { root: HTMLElement; series: unknown[]; data: unknown[][] } }[] }).heapwiseCharts ?? [];
    return list.map(({ id, plot }) => {
      const canvas = plot.root.querySelector('canvas')!;
      const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let coloured = 0;
      for (let i = 0; i < px.length; i += 4) {
        const [r, g, bl, a] = [px[i]!, px[i + 1]!, px[i + 2]!, px[i + 3]!];
        if (a > 0 && Math.max(r, g, bl) - Math.min(r, g, bl) > 40) coloured++;
      }
      return { id, width: canvas.width, height: canvas.height, series: plot.series.length - 1, points: plot.data[0]!.length, coloured };
    });
  });
  return { page, errors, requests, dialogs, charts };
}

/** Moves the mouse over the middle of a chart; returns its legend's text (values at that point). */
export async function hover(p: LoadedPage, id: string): Promise<string> {
  const over = p.page.locator(`#${id} .u-over`);
  await over.scrollIntoViewIfNeeded();
  const box = await over.boundingBox();
  if (!box) throw new Error(`chart ${id} has no plotting area`);
  await p.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  return (await p.page.locator(`#${id} .u-legend`).textContent()) ?? '';
}
