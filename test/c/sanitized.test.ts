// The C host under AddressSanitizer (LeakSanitizer included) and UndefinedBehaviorSanitizer,
// every finding fatal (`make -C bindings/c sanitized`, build/sanitized): the C tests and examples,
// and the driver recording and replaying every bundled workload in both encodings, taking random
// damage to a binary and a JSON Lines trace, and random changes to the JSON inputs (platform,
// request, workload) its parsers take from vendors and users. A read past a buffer, a use after
// free, a leak or undefined behaviour that happens not to crash in the plain build fails here.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { BinaryTraceImage } from '../trace/binary-image.js';
import { buildC, C_BUILD, makeC, ROOT } from './helpers.js';
import { applyChange, jsonChange, jsonText, type Json } from './json-change.js';

const S = join(C_BUILD, 'sanitized');
const tmp = mkdtempSync(join(tmpdir(), 'heapwise-c-sanitized-'));
// Distinct exit codes, so a report is told apart from the driver's own (2 refused, 5 divergent).
const ASAN_EXIT = 86;
const UBSAN_EXIT = 87;
const env = {
  ...process.env,
  ASAN_OPTIONS: `exitcode=${ASAN_EXIT}:detect_leaks=1:abort_on_error=0`,
  UBSAN_OPTIONS: `exitcode=${UBSAN_EXIT}:halt_on_error=1:print_stacktrace=1`,
};
const REPORT = /ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:/;

function run(bin: string, args: string[] = []): SpawnSyncReturns<string> {
  return spawnSync(bin, args, { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
}

/** No sanitizer report, no signal, and (when given) one of the expected statuses. */
function expectClean(r: SpawnSyncReturns<string>, what: string, statuses: number[] = [0]): void {
  const out = `${what}\n${r.stdout}${r.stderr}`;
  expect(r.stderr, out).not.toMatch(REPORT);
  expect(r.signal, out).toBeNull();
  expect(statuses, out).toContain(r.status);
}

const driver = (args: string[]) => run(join(S, 'heapwise-c'), args);
const tests = readdirSync(join(ROOT, 'test', 'c')).filter((f) => f.endsWith('_test.c')).map((f) => f.replace(/\.c$/, ''));
const workloads = [join(ROOT, 'examples', 'workloads'), join(ROOT, 'test', 'c', 'fixtures')]
  .flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.json')).map((f) => join(d, f)));

let n = 0;
const file = (ext: string, bytes: Buffer | string) => {
  const f = join(tmp, `t${n++}.${ext}`);
  writeFileSync(f, bytes);
  return f;
};

let binary: BinaryTraceImage;
let jsonl = '';

beforeAll(() => {
  buildC(); // deps.sh and the policy modules both builds start from
  makeC(['sanitized']);
  const b = join(tmp, 'camera.hwtrace');
  const j = join(tmp, 'camera.jsonl');
  for (const f of [b, j]) expectClean(driver(['--workload', join(ROOT, 'examples/workloads/camera-isp-display.json'), '--record', f]), `record ${f}`);
  binary = BinaryTraceImage.read(b);
  jsonl = readFileSync(j, 'utf8');
}, 600_000);

describe('C host under ASan and UBSan', () => {
  it.each(tests)('%s runs clean', (t) => {
    const r = run(join(S, 'test', t));
    expectClean(r, t);
    expect(r.stdout).toMatch(/^\S+: \d+ passed, 0 failed$/m);
  });

  it.each(['minimal', 'compositor'])('examples/c/%s.c runs clean', (ex) => {
    expectClean(run(join(S, ex)), ex);
  });

  it.each(workloads.map((w) => [w.slice(ROOT.length + 1), w] as const))('%s: recorded in both encodings and replayed identically, clean', (_name, w) => {
    for (const ext of ['hwtrace', 'jsonl']) {
      const f = join(tmp, `w${n++}.${ext}`);
      expectClean(driver(['--workload', w, '--record', f]), `record ${f}`);
      const r = driver(['--replay', f]);
      expectClean(r, `replay ${f}`);
      expect(r.stdout).toMatch(/^identical: \d+ events$/m);
    }
  });

  it('a damaged binary trace (cut, a byte changed, CRCs fixed or not) is refused or replayed, clean', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: binary.bytes.length }), fc.integer({ min: 0, max: binary.bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), fc.boolean(), (cut, at, xor, fixCrcs) => {
      expectClean(driver(['--replay', file('hwtrace', binary.bytes.subarray(0, cut))]), `cut at ${cut}`, cut === binary.bytes.length ? [0] : [2]);
      const img = new BinaryTraceImage(Buffer.from(binary.bytes));
      img.bytes[at]! ^= xor;
      const fixed = fixCrcs && at >= 12;
      expectClean(driver(['--replay', file('hwtrace', fixed ? img.withCrcs() : img.bytes)]), `xor ${xor} at ${at}, CRCs ${fixed ? 'fixed' : 'kept'}`, fixed ? [0, 2, 5] : [2]);
    }), { numRuns: 40 });
  });

  it('a damaged JSON Lines trace (cut, a byte changed, a line dropped) is refused or replayed, clean', () => {
    const lines = jsonl.split('\n');
    fc.assert(fc.property(fc.integer({ min: 0, max: jsonl.length - 1 }), fc.integer({ min: 0, max: jsonl.length - 1 }), fc.integer({ min: 32, max: 126 }), fc.integer({ min: 0, max: lines.length - 2 }), (cut, at, ch, drop) => {
      expectClean(driver(['--replay', file('jsonl', jsonl.slice(0, cut))]), `cut at ${cut}`, [0, 2, 5]);
      const changed = jsonl.slice(0, at) + String.fromCharCode(ch) + jsonl.slice(at + 1);
      expectClean(driver(['--replay', file('jsonl', changed)]), `byte ${at} -> ${ch}`, [0, 2, 5]);
      expectClean(driver(['--replay', file('jsonl', lines.filter((_, i) => i !== drop).join('\n'))]), `line ${drop + 1} dropped`, [0, 2, 5]);
    }), { numRuns: 25 });
  });

  const platformFile = join(ROOT, 'examples/platforms/rpi4.json');
  const requestFile = join(ROOT, 'examples/requests/rpi4-camera-frame.json');
  const workloadFile = join(ROOT, 'examples/workloads/camera-isp-display.json');
  const platform = JSON.parse(readFileSync(platformFile, 'utf8')) as Json;
  const request = JSON.parse(readFileSync(requestFile, 'utf8')) as Json;
  // The workload names its platform relative to itself: absolute here, so a copy elsewhere finds it.
  const workload = { ...JSON.parse(readFileSync(workloadFile, 'utf8')), platform: platformFile } as Json;
  const inline = { ...JSON.parse(readFileSync(workloadFile, 'utf8')), platform } as Json;

  it.each([
    ['platform', platform, (f: string) => ['--platform', f, '--request', requestFile]],
    ['request', request, (f: string) => ['--platform', platformFile, '--request', f]],
    ['workload', workload, (f: string) => ['--workload', f]],
    ['workload (platform inline)', inline, (f: string) => ['--workload', f]],
  ] as const)('a changed %s file is refused naming it, or decided, clean', (_what, doc, args) => {
    fc.assert(fc.property(jsonChange, (c) => {
      const { doc: d, what } = applyChange(doc, c);
      const f = file('json', jsonText(d));
      const r = driver(args(f));
      // 0 decided, 2 refused, 3 nothing fits (a changed heap or device can leave none).
      expectClean(r, what, [0, 2, 3]);
      // Refused naming the changed file, or (a platform left without the request's device) the
      // request that names it.
      if (r.status === 2) expect(r.stderr.startsWith(`heapwise-c: ${f}`) || r.stderr.includes(`${requestFile} at /devices/`), r.stderr).toBe(true);
    }), { numRuns: 60 });
  });
});
