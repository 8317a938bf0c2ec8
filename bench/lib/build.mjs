// Everything the benchmarks run, built before any timing: the host bundle the CLI uses (dist/),
// the policies, libheapwise (make -C bindings/c, under the lock its tests take), the C
// benchmarks, and each TypeScript entry point bundled by esbuild for Node (Deno runs the
// sources directly).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** TypeScript entry points run under Node, by name. */
export const ENTRIES = {
  'decision-latency': 'bench/decision/latency.ts',
  'export-cases': 'bench/decision/export-cases.ts',
  'event-throughput': 'bench/engine/event-throughput.ts',
  'recording-overhead': 'bench/trace/recording-overhead.ts',
  'replay-throughput': 'bench/trace/replay-throughput.ts',
  'syncs-vs-naive': 'bench/workloads/syncs-vs-naive.ts',
};

function run(cmd, args, opts, what) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status ?? r.signal}):\n${(r.stderr || r.stdout || String(r.error)).slice(-3000)}`);
  return r;
}

/** The host bundle, the policies and the TypeScript benchmarks: every benchmark needs them. */
export function buildTypeScript(root, out, log) {
  mkdirSync(out, { recursive: true });
  if (!existsSync(join(root, 'policies/default/build/default.wasm')) || !existsSync(join(root, 'policies/naive/build/naive.wasm'))) {
    log('building the policies (scripts/build-policies.mjs)');
    run(process.execPath, ['scripts/build-policies.mjs'], { cwd: root }, 'building the policies');
  }
  if (!existsSync(join(root, 'dist/cli.js'))) {
    log('bundling the host (rollup)');
    run(join(root, 'node_modules/.bin/rollup'), ['-c', 'rollup.config.mjs', '--silent'], { cwd: root }, 'rollup');
  }
  log('bundling the TypeScript benchmarks (esbuild)');
  run(join(root, 'node_modules/.bin/esbuild'), [...Object.values(ENTRIES).map((e) => join(root, e)), '--bundle', '--packages=external',
    '--format=esm', '--platform=node', '--target=node20', `--outdir=${join(out, 'node')}`, '--entry-names=[name]', '--log-level=warning'], { cwd: root }, 'esbuild');
}

/** libheapwise (under the lock its tests take) and the C benchmarks: only the C parts need them. */
export function buildC(root, out, log) {
  log('building libheapwise (make -C bindings/c)');
  mkdirSync(join(root, 'bindings/c/build'), { recursive: true });
  run('flock', [join(root, 'bindings/c/build/.make.lock'), 'make', '-s', '-C', join(root, 'bindings/c'), '-j2'], { cwd: root }, 'make -C bindings/c');
  log('building the C benchmarks (make -C bench/c)');
  run('make', ['-s', '-C', join(root, 'bench/c'), `OUT=${join(out, 'c')}`, '-j2'], { cwd: root }, 'make -C bench/c');
}

/** The bundled file of an entry point. */
export function entryFile(out, name) {
  const src = ENTRIES[name];
  return join(out, 'node', `${src.split('/').pop().replace(/\.ts$/, '.js')}`);
}
