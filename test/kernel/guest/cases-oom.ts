// Exhausting the system heap: only ever in a sacrificial child (see oom-child.ts).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { guestCase } from './registry.js';

const here = dirname(fileURLToPath(import.meta.url));

function memAvailableKiB(): number {
  return Number(/^MemAvailable:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'))![1]);
}

guestCase('system heap: an allocation of all RAM ends the sacrificial child (SIGKILL or ENOMEM), the parent survives', () => {
  const availBefore = memAvailableKiB();
  const adjBefore = readFileSync('/proc/self/oom_score_adj', 'utf8').trim();
  const r = spawnSync(process.execPath, [join(here, 'oom-child.js')], { encoding: 'utf8', timeout: 240_000 });
  const lines = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { code?: string; allocated?: number });
  const answered = lines.find((l) => l.code !== undefined || l.allocated !== undefined);
  assert.ok(lines.length > 0, `the child started (stderr: ${r.stderr})`);
  assert.equal(answered?.allocated, undefined, 'the kernel must not hand out all of RAM');
  assert.ok(r.signal === 'SIGKILL' || answered?.code === 'ENOMEM',
    `expected SIGKILL or ENOMEM, got signal ${r.signal}, status ${r.status}, ${JSON.stringify(answered)}, stderr ${r.stderr}`);
  assert.equal(readFileSync('/proc/self/oom_score_adj', 'utf8').trim(), adjBefore);
  // The dying child's partial buffer went back to the kernel.
  const availAfter = memAvailableKiB();
  assert.ok(availAfter > availBefore * 0.8, `memory came back: ${availBefore} kB available before, ${availAfter} kB after`);
  return r.signal === 'SIGKILL' ? 'child SIGKILLed by the OOM killer' : 'child got ENOMEM';
});
