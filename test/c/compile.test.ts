// heapwise compile: a .wasm becomes a .so the C host loads, fuel-instrumented as every host runs
// it; refusals and toolchain failures are clear errors naming the file, and nothing half-written
// is left at the output path; a manifest is checked and shipped beside the .so; debug builds
// compile and load in C only with the log capability.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compilePolicy, CompileError, soManifestPath } from '../../host/compile/compile.js';
import { PolicyModule } from '../../host/module/policy-module.js';
import { builtinPolicyPath } from '../../host/paths.js';
import { buildC, C_BUILD, ROOT, runDriver } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'heapwise-compile-test-'));
const wat = (name: string) => join(ROOT, 'test', 'c', 'fixtures', `${name}.wat`);

function wasmOf(name: string): string {
  const out = join(tmp, `${name}.wasm`);
  const r = spawnSync('wat2wasm', ['--enable-all', wat(name), '-o', out], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return out;
}

beforeAll(() => buildC());

describe('compilePolicy', () => {
  it('compiles the default policy into a .so whose decisions equal the built-in\'s', async () => {
    const so = join(tmp, 'default.so');
    await compilePolicy(builtinPolicyPath('default'), so);
    const args = ['--platform', join(ROOT, 'examples/platforms/rpi4.json'), '--request', join(ROOT, 'examples/requests/rpi4-camera-frame.json')];
    const fromSo = runDriver([...args, '--policy', so]);
    const builtin = runDriver(args);
    expect(fromSo.status, fromSo.stderr).toBe(0);
    expect(fromSo.stdout).toBe(builtin.stdout);
    expect(readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a module the loader refuses, before running any tool, and writes nothing', async () => {
    const out = join(tmp, 'forbidden.so');
    await expect(compilePolicy(wasmOf('forbidden-import'), out)).rejects.toThrow(/forbidden-import\.wasm refused: forbidden import env\.seed/);
    const abi = join(tmp, 'abi.so');
    await expect(compilePolicy(wasmOf('wrong-abi'), abi)).rejects.toThrow(/speaks policy ABI 2\.0; this host speaks ABI 1\.0/);
    expect(existsSync(out) || existsSync(abi)).toBe(false);
  });

  it('names the file and the tool when wasm2c is missing, keeping an existing output intact', async () => {
    const out = join(tmp, 'keep.so');
    writeFileSync(out, 'previous');
    const err = await compilePolicy(wasmOf('scripted'), out, { wasm2c: '/nonexistent/wasm2c' }).catch((e) => e);
    expect(err).toBeInstanceOf(CompileError);
    expect(err.message).toMatch(/scripted\.wasm: cannot run wasm2c \(\/nonexistent\/wasm2c\): not found; install Debian's wabt/);
    expect(readFileSync(out, 'utf8')).toBe('previous');
  });

  it('reports a failing C compiler with its exit status and leaves no temporary file', async () => {
    const out = join(tmp, 'cc-fails.so');
    const err = await compilePolicy(wasmOf('scripted'), out, { cc: 'false' }).catch((e) => e);
    expect(err).toBeInstanceOf(CompileError);
    expect(err.message).toMatch(/scripted\.wasm: the C compiler failed \(false exited with 1\)/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a compiled fixture loads in the C host and its scripted answers are validated there', async () => {
    const so = join(tmp, 'scripted.so');
    await compilePolicy(wasmOf('scripted'), so);
    const r = spawnSync(join(C_BUILD, 'heapwise-c'), ['--workload', join(ROOT, 'test/c/fixtures/cma-fallback.json'), '--policy', so], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`policy module ${so}: answered PLACE of buffer 1 with ALLOC(buf 1, heap 5, arg 524290, value 4096): unknown heap index (platform has 2)`);
  });

  it('compiles the instrumented module: the .so counts fuel and the default budget is in its traces', async () => {
    const so = join(tmp, 'metered.so');
    await compilePolicy(builtinPolicyPath('default'), so);
    const trace = join(tmp, 'metered.jsonl');
    const r = runDriver(['--workload', join(ROOT, 'test/c/fixtures/cma-fallback.json'), '--policy', so, '--fuel', '4321', '--record', trace]);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(trace, 'utf8').split('\n')[0]).toContain('"limits":{"fuel":4321,"opCap":64,"log":false}');
    // The default policy's start function spends between 10 and 20 units, hw_init more (it
    // derives the platform's masks once, which makes each placement cheaper than that).
    const starved = runDriver(['--workload', join(ROOT, 'test/c/fixtures/cma-fallback.json'), '--policy', so, '--fuel', '10']);
    expect(starved.status).toBe(2);
    expect(starved.stderr).toContain(`policy module ${so} refused: start function ran out of fuel (10 units)`);
    const short = runDriver(['--workload', join(ROOT, 'test/c/fixtures/cma-fallback.json'), '--policy', so, '--fuel', '20']);
    expect(short.status).toBe(1);
    expect(short.stderr).toContain(`policy module ${so}: hw_init ran out of fuel: budget of 20 units exhausted`);
  });

  it('checks a manifest beside the module and ships it beside the .so, where the C loader enforces it', async () => {
    const wasm = join(tmp, 'pinned.wasm');
    copyFileSync(builtinPolicyPath('default'), wasm);
    const sha = PolicyModule.sha256(readFileSync(wasm));
    writeFileSync(join(tmp, 'pinned.manifest.json'), JSON.stringify({ name: 'default', version: '1.0.0', sha256: sha, allowedHeaps: ['system'] }));
    const so = join(tmp, 'shipped.so');
    await compilePolicy(wasm, so);
    expect(JSON.parse(readFileSync(soManifestPath(so), 'utf8')).sha256).toBe(sha);
    // rpi4's camera frame needs contiguous memory: the default policy picks a CMA heap, which the manifest forbids.
    const args = ['--platform', join(ROOT, 'examples/platforms/rpi4.json'), '--request', join(ROOT, 'examples/requests/rpi4-camera-frame.json'), '--policy', so];
    const r = runDriver(args);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/which its manifest does not allow \(system\)/);
    // A pin that does not match refuses the module at compile time, before any tool runs.
    writeFileSync(join(tmp, 'pinned.manifest.json'), JSON.stringify({ name: 'default', version: '1.0.0', sha256: 'a'.repeat(64) }));
    await expect(compilePolicy(wasm, join(tmp, 'never.so'))).rejects.toThrow(new RegExp(`pinned\\.wasm refused: sha256 ${sha} does not match the manifest's a{64}`));
    expect(existsSync(join(tmp, 'never.so'))).toBe(false);
  });

  it('compiles a debug build, which the C host loads only with the log capability', async () => {
    const so = join(tmp, 'debug.so');
    await compilePolicy(builtinPolicyPath('default').replace(/\.wasm$/, '.debug.wasm'), so);
    const args = ['--platform', join(ROOT, 'examples/platforms/rpi4.json'), '--request', join(ROOT, 'examples/requests/rpi4-camera-frame.json'), '--policy', so];
    const refused = runDriver(args);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('forbidden import wasi_snapshot_preview1.fd_write (function); a policy may import only env.abort (a debug build: load it with the log capability)');
    const logged = runDriver([...args, '--log']);
    expect(logged.status, logged.stderr).toBe(0);
    // The same decision as the production build's; only the module's hash differs.
    const decision = (text: string) => ({ ...JSON.parse(text), policy: { ...JSON.parse(text).policy, sha256: null } });
    expect(decision(logged.stdout)).toEqual(decision(runDriver(args.slice(0, 4)).stdout));
    expect(logged.stderr).toMatch(/^\[policy stdout, event 0\] buffer 1: /m);
  });
});
