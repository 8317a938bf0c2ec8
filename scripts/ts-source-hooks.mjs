// Node module hooks that let Node 20 load the TypeScript sources of a checkout in place (the Deno
// tests' Node host, the C library's image preparation): a relative './x.js' written in a .ts file
// resolves to './x.ts' when that exists (the rule tsc's NodeNext follows), and .ts files are
// stripped of their types by esbuild (a devDependency). Packages and JSON load as Node loads them.
import { transform } from 'esbuild';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export function resolve(specifier, context, next) {
  if (/^\.{1,2}\//.test(specifier) && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
    const ts = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
    if (existsSync(fileURLToPath(ts))) return { url: ts.href, shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const file = fileURLToPath(url);
  const { code } = await transform(await readFile(file, 'utf8'), { loader: 'ts', format: 'esm', target: 'esnext', sourcefile: file });
  return { format: 'module', source: code, shortCircuit: true };
}
