#!/usr/bin/env node
// Compiles every policy module: policies/<name>/index.ts -> policies/<name>/build/<name>.wasm,
// and the test-only modules under test/fixtures/policies/. `--debug` (issue 9) is reserved for
// the wasi-shim variant. Usage: node scripts/build-policies.mjs [dir ...]
import { readdirSync, existsSync, mkdirSync } from 'node:fs';
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

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const dirs = args.length ? args.map((a) => join(root, a)) : [...policyDirs(join(root, 'policies')), ...policyDirs(join(root, 'test/fixtures/policies'))];
  process.chdir(root);
  for (const d of dirs) await buildPolicy(d);
}
