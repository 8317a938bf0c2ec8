// The C host's own tests, as vitest cases: builds bindings/c (library, driver, policy .so files,
// C tests, examples), runs every C test binary and turns each "ok - suite: name" /
// "not ok - suite: name: why" line into one vitest test. A binary that crashes or exits without
// its closing "suite: N passed, N failed" line fails its own case.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildC, C_BUILD, C_DIR, makeC, ROOT } from './helpers.js';

buildC();
const binaries = readdirSync(join(ROOT, 'test', 'c')).filter((f) => f.endsWith('_test.c')).map((f) => f.replace(/\.c$/, ''));
makeC([...binaries.map((b) => join(C_BUILD, 'test', b)), join(C_BUILD, 'minimal'), join(C_BUILD, 'compositor')]);

interface CCase { name: string; ok: boolean; why: string }

function runBinary(bin: string): { cases: CCase[]; summary: string | null; status: number | null; signal: string | null; output: string } {
  const r = spawnSync(join(C_BUILD, 'test', bin), { encoding: 'utf8' });
  const cases: CCase[] = [];
  let summary: string | null = null;
  for (const line of r.stdout.split('\n')) {
    const m = /^(ok|not ok) - ([^:]+): (.*)$/.exec(line);
    if (m) {
      const [name, ...why] = m[1] === 'ok' ? [m[3]!] : splitWhy(m[3]!);
      cases.push({ name: `${m[2]}: ${name}`, ok: m[1] === 'ok', why: why.join('') });
    } else if (/^\S+: \d+ passed, \d+ failed$/.test(line)) {
      summary = line;
    }
  }
  return { cases, summary, status: r.status, signal: r.signal, output: `${r.stdout}${r.stderr}` };
}

/** "name: file:line: why" -> [name, why]; names never contain ": /". */
function splitWhy(rest: string): string[] {
  const at = rest.indexOf(': /');
  return at < 0 ? [rest, ''] : [rest.slice(0, at), rest.slice(at + 2)];
}

for (const bin of binaries) {
  const run = runBinary(bin);
  describe(`C ${bin}`, () => {
    it('runs to its closing count line without crashing', () => {
      expect(run.signal, run.output).toBeNull();
      expect(run.summary, run.output).not.toBeNull();
      expect(run.cases.length).toBeGreaterThan(0);
    });
    for (const c of run.cases) {
      it(c.name, () => {
        if (!c.ok) throw new Error(c.why);
      });
    }
  });
}

describe('C examples', () => {
  it('examples/c/minimal.c builds with pkg-config and runs', () => {
    const r = spawnSync(join(C_BUILD, 'minimal'), { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^reserved: 8294400 bytes\n {2}not system: device display has no IOMMU and a 32-bit DMA mask/);
  });

  it('examples/c/compositor.c runs on the model backend without leaking fds', () => {
    const r = spawnSync(join(C_BUILD, 'compositor'), { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/scanout-0: system, 3735552 bytes\n/);
    expect(r.stdout).toMatch(/^ok: model backend, (\d+) fds before and after$/m);
  });

  it('docs/embedding.md shows examples/c/minimal.c verbatim', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'embedding.md'), 'utf8');
    const src = readFileSync(join(ROOT, 'examples', 'c', 'minimal.c'), 'utf8');
    expect(doc).toContain(`\`\`\`c\n${src}\`\`\``);
  });

  it('heapwise.pc points at the built library and headers', () => {
    const flags = execFileSync('pkg-config', ['--cflags', '--libs', 'heapwise'], { env: { ...process.env, PKG_CONFIG_PATH: C_BUILD }, encoding: 'utf8' });
    expect(flags).toContain(`-I${join(C_DIR, 'include')}`);
    expect(flags).toContain(`-L${C_BUILD}`);
    expect(flags).toContain('-lheapwise');
  });
});
