// heapwise new-policy: a policy folder that builds and passes its own test from the start.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { InputError } from '../errors.js';
import { packageRoot } from '../paths.js';

const rel = (from: string, to: string) => {
  const r = relative(from, to).split(sep).join('/');
  return r.startsWith('.') ? r : `./${r}`;
};

/** Writes index.ts, README.md and <name>.test.ts into `dir`; refuses to overwrite. */
export function scaffoldPolicy(name: string, dir: string): string[] {
  if (!/^[a-z][a-z0-9-]{0,63}$/.test(name)) throw new InputError('new-policy', '', `policy name "${name}" must be lowercase letters, digits and dashes (at most 64)`);
  const abs = resolve(dir);
  if (existsSync(join(abs, 'index.ts'))) throw new InputError(join(abs, 'index.ts'), '', 'already exists; not overwriting');
  mkdirSync(abs, { recursive: true });
  const root = packageRoot();
  const sdk = rel(abs, join(root, 'asm'));
  // Inside the heapwise tree, the test imports the host sources; elsewhere, the installed package.
  const inside = !relative(root, abs).startsWith('..');
  const hostImport = inside ? rel(abs, join(root, 'host/index.js')) : 'heapwise';
  const files: Record<string, string> = {
    'index.ts': `// ${name}: a heapwise policy module. The rules are in place(); the SDK (${sdk}) emits the
// ALLOC, the fallbacks and a reason for every heap. Build: npx heapwise build ${dir}
import { register, Placement, applyHardConstraints, heapCount, isSystemLike, isScarce, Reason, planLazy,
  DEBUG, log, heapName } from '${sdk}/index';
export * from '${sdk}/exports';

function place(p: Placement): void {
  // Every device's DMA mask, contiguity, protected content, CPU access, and heap capacity.
  applyHardConstraints(p);
  for (let h: u32 = 0; h < heapCount(); h++) {
    if (!p.alive(h)) continue;
    // Plentiful system memory first, scarce contiguous memory as the fallback.
    if (isSystemLike(h)) p.rank(h, 0, Reason.SYSTEM_FIRST);
    else if (isScarce(h)) p.rank(h, 1, Reason.SCARCE_LAST);
    else p.rank(h, 2, Reason.LISTED_ORDER);
    if (DEBUG) log('kept heap ' + heapName(h));
  }
}

// planLazy: the default cache-domain plan (elides the syncs coherency does not need).
register('${name}', '0.1.0', place, planLazy);
`,
    [`${name}.test.ts`]: `// Runs ${name} on the bundled boards, requests and workloads through the coherency referee.
import { describe, it, expect, beforeAll } from 'vitest';
import { buildPolicy, loadPolicyFile, testPolicy, type CheckResult } from '${hostImport}';

let results: CheckResult[] = [];

beforeAll(async () => {
  const wasm = await buildPolicy(import.meta.dirname, { name: '${name}' });
  results = testPolicy(await loadPolicyFile(wasm));
}, 300_000);

describe('${name}', () => {
  it('passes every placement, coherency, sync and determinism check', () => {
    expect(results.length).toBeGreaterThan(0);
    expect(results.filter((r) => !r.ok)).toEqual([]);
  });
});
`,
    'README.md': `# ${name}

A heapwise policy module.

- Build: \`npx heapwise build ${dir}\` writes \`${dir}/build/${name}.wasm\`; add \`--debug\` for a
  debug build whose \`log()\` lines reach \`heapwise decide --log\` / \`simulate --log\`.
- Check: \`npx heapwise test-policy ${dir}/build/${name}.wasm\`, or \`npx vitest run ${dir}\`.
- Explain a decision: \`npx heapwise explain --platform P --request R --policy ${dir}/build/${name}.wasm\`.

See docs/policy-authoring.md in the heapwise package.
`,
  };
  for (const [f, text] of Object.entries(files)) writeFileSync(join(abs, f), text);
  return Object.keys(files).map((f) => join(abs, f));
}
