/// <reference lib="deno.ns" />
// docs/embedding.md, section "Deno": the example it shows is bindings/deno/examples/minimal.ts
// word for word, and every `deno run` line it gives runs as the text says it does.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Decision } from '../../bindings/deno/mod.ts';
import { at, ensurePolicies, ROOT } from './checkout.ts';
import { kernelHeaps } from './kernel_heaps.ts';

await ensurePolicies();

const EXAMPLE = 'bindings/deno/examples/minimal.ts';

function denoSection(): string {
  const doc = readFileSync(at('docs/embedding.md'), 'utf8');
  const start = doc.indexOf('\n## Deno\n');
  assert.ok(start >= 0, 'docs/embedding.md has no "## Deno" section');
  const end = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
}

function fences(text: string, lang: string): string[] {
  return [...text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].filter((m) => m[1] === lang).map((m) => m[2]!);
}

const section = denoSection();
const commands = fences(section, 'sh').flatMap((b) => b.split('\n')).filter((l) => l.startsWith('deno run '));

async function run(command: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const [, ...args] = command.split(/\s+/);
  const out = await new Deno.Command(Deno.execPath(), { args, cwd: ROOT, stdout: 'piped', stderr: 'piped', env: { NO_COLOR: '1' } }).output();
  return { code: out.code, stdout: new TextDecoder().decode(out.stdout), stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test('the Deno section shows the minimal example exactly as the file has it', () => {
  const file = readFileSync(at(EXAMPLE), 'utf8');
  assert.ok(fences(section, 'ts').includes(file), `${EXAMPLE} is not in docs/embedding.md verbatim; paste the file again`);
});

Deno.test('the documented commands run the example, and each permission they use is explained', () => {
  assert.deepEqual(commands.map((c) => c.split(/\s+/).at(-1) === '--kernel'), [false, true]);
  for (const c of commands) {
    assert.ok(c.includes(EXAMPLE), c);
    for (const flag of c.split(/\s+/).filter((a) => a.startsWith('--allow-'))) {
      assert.match(section, new RegExp(`^\\| \`${flag}\` \\| `, 'm'), `${flag} is used but not in the permissions table`);
    }
  }
});

Deno.test('documented command, model backend: prints a CMA placement and exits 0', async () => {
  const r = await run(commands[0]!);
  assert.equal(r.code, 0, r.stderr);
  const d = JSON.parse(r.stdout) as Decision;
  assert.equal(d.heap, 'linux,cma');
  assert.equal(d.policy.name, 'default');
  assert.deepEqual(d.attempts, []);
});

Deno.test('documented command, kernel backend: places the frame, or explains why not, as the text says', async () => {
  const r = await run(commands[1]!);
  const heaps = kernelHeaps(['linux,cma']);
  if (heaps === null) {
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /KernelLibraryError: heapwise kernel library not found at .*; build it with: make -C bindings\/c/);
    return;
  }
  const d = JSON.parse(r.stdout) as Decision;
  if (heaps.has('linux,cma')) {
    assert.equal(r.code, 0, r.stderr);
    assert.equal(d.heap, 'linux,cma');
  } else {
    assert.equal(r.code, 3, r.stderr);
    assert.equal(d.heap, null);
    assert.deepEqual(d.attempts, [{ heap: 'linux,cma', errno: 2, code: 'ENOENT' }]);
    assert.match(section, /every attempt fails with\s+`ENOENT`/);
  }
});
