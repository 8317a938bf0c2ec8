// docs/embedding.md's Node example is the file the test runs, verbatim.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../support/modules.js';

describe('docs/embedding.md', () => {
  it('contains examples/node/minimal.mjs verbatim, and the example runs', () => {
    const doc = readFileSync(join(ROOT, 'docs/embedding.md'), 'utf8');
    const file = readFileSync(join(ROOT, 'examples/node/minimal.mjs'), 'utf8');
    expect(doc).toContain(file);
    const r = spawnSync(process.execPath, [join(ROOT, 'examples/node/minimal.mjs')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^scanout in \S+ \(fallbacks .*\), cursor in \S+/);
  });
});
