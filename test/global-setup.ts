// Builds the policy modules and the CLI bundle once before any test file runs, and gives the run
// its own cache of fuel-instrumented modules (host/module/fuel-cache.ts): shared by every test
// and every CLI the tests spawn, neither reading nor filling the user's.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  execFileSync(process.execPath, ['scripts/gen-abi.mjs', '--check'], { stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/build-policies.mjs'], { stdio: 'inherit' });
  // Rollup writes new hashed chunks beside the old ones: without this, a second `npm test` after
  // a source change leaves chunks no bundle uses, and the package test (rightly) fails on them.
  rmSync('dist/chunks', { recursive: true, force: true });
  execFileSync(process.execPath, ['node_modules/rollup/dist/bin/rollup', '-c', 'rollup.config.mjs', '--silent'], { stdio: 'inherit' });
  const cache = mkdtempSync(join(tmpdir(), 'heapwise-test-cache-'));
  process.env.HEAPWISE_CACHE_DIR = cache;
  return () => rmSync(cache, { recursive: true, force: true });
}
