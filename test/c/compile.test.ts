// heapwise compile: a .wasm becomes a .so the C host loads; refusals and toolchain failures are
// clear errors naming the file, and nothing half-written is left at the output path.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compilePolicy, CompileError } from '../../host/compile/compile.js';
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
});
