// The charting library inlined into every report: uPlot (MIT, ~50 KB minified, no
// dependencies, canvas, built for long time series). Read from node_modules when a report is
// written, so the page needs no network and the package is a runtime dependency.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { HeapwiseError } from '../errors.js';
import { rawText } from './escape.js';

export interface ChartLibrary {
  name: string;
  version: string;
  /** Defines the global `uPlot`. */
  script: string;
  css: string;
}

let cached: ChartLibrary | null = null;

export function chartLibrary(): ChartLibrary {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  let files: { js: string; css: string; pkg: string };
  try {
    files = {
      js: require.resolve('uplot/dist/uPlot.iife.min.js'),
      css: require.resolve('uplot/dist/uPlot.min.css'),
      pkg: require.resolve('uplot/package.json'),
    };
  } catch (e) {
    throw new HeapwiseError(`the HTML report needs the npm package uplot, which cannot be found (${(e as Error).message.split('\n')[0]}); reinstall heapwise`);
  }
  const version = (JSON.parse(readFileSync(files.pkg, 'utf8')) as { version: string }).version;
  cached = {
    name: 'uPlot',
    version,
    script: rawText(readFileSync(files.js, 'utf8'), 'script', files.js),
    css: rawText(readFileSync(files.css, 'utf8'), 'style', files.css),
  };
  return cached;
}
