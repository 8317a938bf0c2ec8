#!/usr/bin/env node
// Declarations for `heapwise/deno` (dist/deno.js, bundled from bindings/deno/mod.ts): tsc emits
// them from the sources into dist/types-deno (tsconfig.deno-types.json). The sources use the Deno
// namespace (Deno.dlopen, Deno.errors), so tsc first gets Deno's own declarations, written by
// `deno types` (the devDependency's binary) into build/deno-types/ (gitignored). They are
// for the compile only: the emitted declarations name nothing of Deno's. bindings/deno imports
// its siblings and host/ with '.ts' extensions, which declaration emit keeps; the emitted files
// get '.js' instead, the specifier every TypeScript resolution (and Deno's, in an npm package)
// maps to the '.d.ts' beside it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'types-deno');

// `deno types` prints lib.deno.*.d.ts as one file whose parts reference each other with
// `/// <reference lib="deno.*" />` and turn the default lib off: tsc knows neither lib name and
// brings its own ES lib (tsconfig.deno-types.json), so those lines go.
const denoTypes = execFileSync(join(root, 'node_modules', '.bin', 'deno'), ['types'], { encoding: 'utf8', maxBuffer: 64 << 20 })
  .split('\n').filter((l) => !/^\/\/\/ <reference (no-default-lib="true"|lib="deno\.[\w.]+") \/>$/.test(l.trim())).join('\n');
mkdirSync(join(root, 'build', 'deno-types'), { recursive: true });
writeFileSync(join(root, 'build', 'deno-types', 'lib.deno.d.ts'), denoTypes);

rmSync(out, { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.deno-types.json')], { stdio: 'inherit' });

const relativeTs = /((?:from|import)\s*\(?\s*['"])(\.\.?\/[^'"]*)\.ts(['"])/g;
const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
for (const file of walk(out).filter((f) => f.endsWith('.d.ts'))) {
  const text = readFileSync(file, 'utf8');
  const fixed = text.replace(relativeTs, '$1$2.js$3');
  if (fixed !== text) writeFileSync(file, fixed);
}
