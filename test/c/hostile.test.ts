// The hostile-module corpus (test/hostile/*.wat) in the C host, held to the same
// test/hostile/expectations.json as the Node host (test/hostile/hostile.test.ts): every module is
// assembled with wat2wasm and compiled the way `heapwise compile` compiles it.
//   - A load refusal happens at compile time (the Node loader's checks run first, with the same
//     message). The C loader must also refuse it on its own: the module is built into a .so
//     without those checks and loaded by the C host, which must refuse it with a message that
//     matches, naming the .so.
//   - A decision-time fault: the C host (build/test/hostile_probe, under a budget of 1,000,000
//     fuel units like the Node test) reports one fault of the expected kind naming the module,
//     switches to the built-in default (a swap line), places the buffer, keeps serving, and leaks
//     no fd (process fds, and the model's fd numbers).
//   - Every probe runs a second time in build/sanitized/test/hostile_probe (ASan and UBSan,
//     make sanitized): the same report, and no sanitizer finding while the host contains it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compilePolicy, linkImage } from '../../host/compile/compile.js';
import { writeImageSources } from '../../host/compile/image-sources.js';
import { PolicyRefusedError } from '../../host/errors.js';
import { buildC, C_BUILD, makeC, ROOT } from './helpers.js';

const HOSTILE = join(ROOT, 'test', 'hostile');
const expectations = JSON.parse(readFileSync(join(HOSTILE, 'expectations.json'), 'utf8')) as Record<string, { phase: string; fault?: string; message: string; afterPlace?: boolean }>;
const names = readdirSync(HOSTILE).filter((f) => f.endsWith('.wat')).map((f) => f.replace(/\.wat$/, '')).sort();
const PROBE = join(C_BUILD, 'test', 'hostile_probe');
// The same probe built with ASan and UBSan (make sanitized): it must report the same, and nothing else.
const SANITIZED_PROBE = join(C_BUILD, 'sanitized', 'test', 'hostile_probe');
const SANITIZER_ENV = { ...process.env, ASAN_OPTIONS: 'detect_leaks=1', UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1' };

const tmp = mkdtempSync(join(tmpdir(), 'heapwise-hostile-c-'));

interface Probe {
  refused?: string;
  status?: string;
  placed?: boolean;
  served?: boolean;
  policy?: string;
  faults?: { i: number; kind: string; message: string }[];
  swaps?: { i: number; reason: string; policy: { name: string } }[];
  fds: [number, number];
}

function probe(so: string, afterPlace = false): Probe {
  const args = [so, ...(afterPlace ? ['--after-place'] : [])];
  const r = spawnSync(PROBE, args, { encoding: 'utf8', timeout: 60_000 });
  expect(r.signal, `${so}: ${r.stderr}`).toBeNull();
  expect(r.status, `${so}: ${r.stderr}`).toBe(0);
  const s = spawnSync(SANITIZED_PROBE, args, { encoding: 'utf8', timeout: 120_000, env: SANITIZER_ENV });
  expect(s.stderr, `${so} under ASan and UBSan`).not.toMatch(/ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:/);
  expect(s.status, `${so} under ASan and UBSan: ${s.stderr}`).toBe(0);
  expect(JSON.parse(s.stdout), `${so} under ASan and UBSan`).toEqual(JSON.parse(r.stdout));
  return JSON.parse(r.stdout) as Probe;
}

function wasmOf(name: string): string {
  const out = join(tmp, `${name}.wasm`);
  const r = spawnSync('wat2wasm', ['--enable-all', join(HOSTILE, `${name}.wat`), '-o', out], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return out;
}

/** The module as a .so without the Node loader's checks: only instrumented, wasm2c'd and linked. */
async function uncheckedImage(name: string, wasm: string): Promise<string> {
  const dir = join(tmp, `${name}-unchecked`);
  mkdirSync(dir, { recursive: true });
  await writeImageSources(wasm, dir, { checked: false });
  const so = join(tmp, `${name}-unchecked.so`);
  linkImage(dir, so, wasm);
  return so;
}

beforeAll(() => {
  buildC();
  makeC([PROBE, 'sanitized']);
}, 600_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('hostile-module corpus in the C host', () => {
  it('every module has an expectation', () => {
    expect(names).toEqual(Object.keys(expectations).filter((k) => k !== '$comment').sort());
  });

  it.each(names)('%s is contained', async (name) => {
    const exp = expectations[name]!;
    const wasm = wasmOf(name);
    const so = join(tmp, `${name}.so`);
    const refusal = await compilePolicy(wasm, so).then(() => null, (e: unknown) => e);
    if (exp.phase === 'load') {
      expect(refusal, `${name} must be refused`).toBeInstanceOf(PolicyRefusedError);
      expect((refusal as Error).message).toContain(wasm);
      expect((refusal as Error).message).toMatch(new RegExp(exp.message));
      // The C loader refuses it too, on its own, before any decision.
      // (A missing export links too: the glue's call is an undefined symbol, bound lazily, and
      // the loader refuses the module before anything would call it.)
      const built = await uncheckedImage(name, wasm);
      const p = probe(built);
      expect(p.status).toBe('HW_ERR_POLICY_REFUSED');
      expect(p.refused).toContain(`policy module ${built} refused: `);
      expect(p.refused).toMatch(new RegExp(exp.message));
      expect(p.fds[1]).toBe(p.fds[0]);
      return;
    }
    expect(refusal, `${name} compiles`).toBeNull();
    const p = probe(so, !!exp.afterPlace);
    expect(p.refused, p.refused).toBeUndefined();
    expect(p.faults).toHaveLength(1);
    const fault = p.faults![0]!;
    expect(fault.kind).toBe(exp.fault);
    expect(fault.message).toContain(`policy module ${so}: `);
    expect(fault.message).toMatch(new RegExp(exp.message));
    // One switch to the fallback, before the next event: the faulted event is asked again.
    expect(p.swaps!.map((s) => `${s.reason}:${s.policy.name}@${s.i}`)).toEqual([`fault:default@${fault.i + 1}`]);
    expect(p.status).toBe('HW_OK');
    expect(p.placed).toBe(true);
    expect(p.served).toBe(true);
    expect(p.policy).toBe('default');
    expect(p.fds[1]).toBe(p.fds[0]);
  });
});
