#!/usr/bin/env node
// npm test: every suite (vitest, including the C host and the real-kernel VM; then Deno; then
// the quick benchmark run), and one closing line "N passed, N failed" summed over all of them.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const extra = process.argv.slice(2);
let passed = 0;
let failed = 0;
let broken = false;

// vitest: the default reporter for people, a JSON report for the count.
const out = join(mkdtempSync(join(tmpdir(), 'heapwise-test-')), 'vitest.json');
const v = spawnSync(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...extra], { cwd: root, stdio: 'inherit' });
if (existsSync(out)) {
  const r = JSON.parse(readFileSync(out, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  if (r.numFailedTestSuites && !r.numFailedTests) { failed += r.numFailedTestSuites; }
  rmSync(out);
} else {
  broken = true;
}
if (v.status !== 0 && failed === 0) broken = true;

// Deno: the host core unchanged under Deno (bindings/deno).
const denoTests = join(root, 'test/deno');
if (existsSync(denoTests) && extra.length === 0) {
  const deno = join(root, 'node_modules/.bin/deno');
  const d = spawnSync(deno, ['test', '--allow-read', '--allow-ffi', '--allow-env', '--allow-run', '--allow-write', '--sloppy-imports', 'test/deno/'], { cwd: root, encoding: 'utf8' });
  process.stdout.write(d.stdout ?? '');
  process.stderr.write(d.stderr ?? '');
  const m = /(?:ok|FAILED) \| (\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed/.exec(`${d.stdout}${d.stderr}`.replace(/\x1b\[[0-9;]*m/g, ''));
  if (m) {
    passed += Number(m[1]);
    failed += Number(m[2]);
    if (d.status !== 0 && Number(m[2]) === 0) broken = true;
  } else {
    process.stderr.write('deno test printed no summary line\n');
    broken = true;
  }
}

// The quick benchmark run, so the benchmarks never rot: it fails only when a benchmark crashes
// or a native baseline decides differently from the policy, never on a timing.
if (extra.length === 0) {
  const b = spawnSync(process.execPath, [join(root, 'bench/run.mjs'), '--quick'], { cwd: root, stdio: 'inherit' });
  if (b.status === 0) passed += 1;
  else failed += 1;
  console.log(`bench:quick ${b.status === 0 ? 'passed' : `failed (exit ${b.status})`}`);
}

if (broken) failed += 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
