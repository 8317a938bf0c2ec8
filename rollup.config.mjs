// Bundles the host library (ESM + CJS), the CLI and the Deno entry point (bindings/deno/mod.ts:
// the library plus KernelBackend over FFI, for `heapwise/deno`) into dist/. The ESM entries share
// their chunks. Types come from tsc (see build:types).
import esbuild from 'rollup-plugin-esbuild';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const external = [...Object.keys(pkg.dependencies ?? {}), ...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const isExternal = (id) => external.some((e) => id === e || id.startsWith(`${e}/`));
const plugins = [esbuild({ target: 'node20', loaders: { '.json': 'json' } })];

export default [
  {
    input: { index: 'host/index.ts', cli: 'host/cli/main.ts', deno: 'bindings/deno/mod.ts' },
    output: { dir: 'dist', format: 'esm', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    external: isExternal,
    plugins,
  },
  {
    input: 'host/index.ts',
    output: { file: 'dist/index.cjs', format: 'cjs', inlineDynamicImports: true },
    external: isExternal,
    plugins,
  },
];
