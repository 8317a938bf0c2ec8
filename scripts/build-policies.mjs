#!/usr/bin/env node
// Compiles every policy module: policies/<name>/index.ts -> policies/<name>/build/<name>.wasm,
// and the test-only modules under test/fixtures/policies/. `--debug` (issue 9) is reserved for
// the wasi-shim variant. Usage: node scripts/build-policies.mjs [dir ...]
import { readdirSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join, dirname, basename, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** asc flags every production policy is built with (docs/abi.md explains each). */
export const POLICY_FLAGS = ['--runtime', 'stub', '-O3', '--noAssert', '--initialMemory', '4', '--maximumMemory', '16', '--converge'];

export async function buildPolicy(dir, { quiet = false } = {}) {
  const name = basename(dir);
  const entry = join(dir, 'index.ts');
  const outDir = join(dir, 'build');
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, `${name}.wasm`);
  const { error, stderr } = await asc.main([relative(root, entry), ...POLICY_FLAGS, '--outFile', relative(root, out), '--textFile', relative(root, join(outDir, `${name}.wat`))], { stdout: process.stdout, stderr: process.stderr });
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

function upToDate(dir, newest) {
  const out = join(dir, 'build', `${basename(dir)}.wasm`);
  return existsSync(out) && statSync(out).mtimeMs >= newest;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const force = process.argv.includes('--force');
  const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const dirs = args.length ? args.map((a) => join(root, a)) : [...policyDirs(join(root, 'policies')), ...policyDirs(join(root, 'test/fixtures/policies'))];
  process.chdir(root);
  const newest = newestSource();
  for (const d of dirs) {
    if (!force && upToDate(d, newest)) continue;
    await buildPolicy(d);
  }
}
