#!/usr/bin/env node
// Compiles every policy module: policies/<name>/index.ts -> policies/<name>/build/<name>.wasm
// (and its debug variant <name>.debug.wasm), and the test-only modules under
// test/fixtures/policies/. Usage: node scripts/build-policies.mjs [--force] [--debug] [dir ...]
import { readdirSync, existsSync, mkdirSync, statSync, readFileSync } from 'node:fs';
import { join, dirname, basename, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** asc flags (asm/build-flags.json, shared with `heapwise build`). */
const FLAGS = JSON.parse(readFileSync(join(root, 'asm/build-flags.json'), 'utf8'));
export const POLICY_FLAGS = FLAGS.production;
/**
 * Debug variant: @assemblyscript/wasi-shim turns console.log into wasi fd_write; a reactor
 * (_initialize, not a _start command) the host drives through the ABI; a collecting runtime
 * because log messages allocate; HW_DEBUG makes the SDK's `if (DEBUG)` blocks real.
 */
export const DEBUG_FLAGS = FLAGS.debug;

export async function buildPolicy(dir, { quiet = false, debug = false } = {}) {
  const name = basename(dir);
  const entry = join(dir, 'index.ts');
  const outDir = join(dir, 'build');
  mkdirSync(outDir, { recursive: true });
  const base = debug ? `${name}.debug` : name;
  const out = join(outDir, `${base}.wasm`);
  const { error, stderr } = await asc.main([relative(root, entry), ...(debug ? DEBUG_FLAGS : POLICY_FLAGS), '--outFile', relative(root, out), '--textFile', relative(root, join(outDir, `${base}.wat`))], { stdout: process.stdout, stderr: process.stderr });
  if (error) throw new Error(`asc failed for ${relative(root, entry)}: ${error.message}\n${stderr?.toString() ?? ''}`);
  if (!quiet) console.log(`built ${relative(root, out)}`);
  return out;
}

function policyDirs(base) {
  if (!existsSync(base)) return [];
  return readdirSync(base, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(base, d.name, 'index.ts')))
    .map((d) => join(base, d.name));
}

/** Newest mtime of the AssemblyScript sources any policy may import. */
function newestSource() {
  let newest = statSync(join(root, 'abi/v1.json')).mtimeMs;
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) { if (e.name !== 'build') walk(p); }
      else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const d of ['asm', 'policies', 'test/fixtures/policies']) walk(join(root, d));
  return newest;
}

function upToDate(dir, newest, debug) {
  const out = join(dir, 'build', `${basename(dir)}${debug ? '.debug' : ''}.wasm`);
  return existsSync(out) && statSync(out).mtimeMs >= newest;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const force = process.argv.includes('--force');
  const debug = process.argv.includes('--debug');
  const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const dirs = args.length ? args.map((a) => join(root, a)) : [...policyDirs(join(root, 'policies')), ...policyDirs(join(root, 'test/fixtures/policies'))];
  process.chdir(root);
  const newest = newestSource();
  for (const d of dirs) {
    if (!force && upToDate(d, newest, false)) continue;
    await buildPolicy(d);
  }
  // Debug variants of the shipped policies (not of the test-only fixtures).
  for (const d of policyDirs(join(root, 'policies'))) {
    if (!force && upToDate(d, newest, true)) continue;
    if (debug || args.length === 0) await buildPolicy(d, { debug: true });
  }
}
