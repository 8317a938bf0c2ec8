// probe(): what `heapwise probe` reports on a real kernel, as root and as nobody.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatProbe, HEAP_UDEV_RULE, platformSkeleton, probe, UDMABUF_UDEV_RULE, type ProbeResult } from '../../../host/probe/index.js';
import { guestCase } from './registry.js';

const here = dirname(fileURLToPath(import.meta.url));

guestCase('probe: lists system (kind system) and udmabuf (kind udmabuf), both openable by root', () => {
  const r = probe();
  const system = r.heaps.find((h) => h.name === 'system');
  assert.ok(system, `system heap listed: ${JSON.stringify(r.heaps)}`);
  assert.equal(system.kind, 'system');
  assert.equal(system.access, 'ok');
  assert.equal(system.path, '/dev/dma_heap/system');
  assert.ok(r.udmabuf, 'udmabuf listed');
  assert.equal(r.udmabuf.kind, 'udmabuf');
  assert.equal(r.udmabuf.access, 'ok');
  const text = formatProbe(r);
  assert.match(text, /^system\s+system\s+read-write\s+\/dev\/dma_heap\/system$/m);
  assert.match(text, /^udmabuf\s+udmabuf\s+read-write\s+\/dev\/udmabuf$/m);
  assert.ok(!text.includes('udev'), 'no udev advice when everything opens');
  return [...r.heaps, r.udmabuf].map((n) => `${n!.name}:${n!.kind}`).join(' ');
});

guestCase('probe: platformSkeleton names the heaps with their kinds and leaves devices empty', () => {
  const s = platformSkeleton(probe(), 'guest');
  assert.equal(s.name, 'guest');
  assert.deepEqual(s.devices, []);
  assert.deepEqual(s.heaps.find((h) => h.name === 'system'), { name: 'system', kind: 'system' });
  assert.deepEqual(s.heaps.find((h) => h.name === 'udmabuf'), { name: 'udmabuf', kind: 'udmabuf' });
  assert.deepEqual(JSON.parse(JSON.stringify(s)), s, 'JSON-able as is');
});

guestCase('probe: as an unprivileged user the nodes report EACCES and the udev rules are printed', () => {
  const r = spawnSync(process.execPath, [join(here, 'probe-child.js')], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `probe child failed: ${r.stderr}`);
  const [json, ...text] = r.stdout.split('\n');
  const result = JSON.parse(json!) as ProbeResult;
  assert.equal(result.heaps.find((h) => h.name === 'system')?.access, 'EACCES');
  assert.equal(result.udmabuf?.access, 'EACCES');
  const out = text.join('\n');
  assert.match(out, /^system\s+system\s+no \(EACCES: permission denied\)/m);
  assert.match(out, /This user cannot open .*\/dev\/dma_heap\/system.*\/dev\/udmabuf\./);
  assert.ok(out.includes(HEAP_UDEV_RULE), out);
  assert.ok(out.includes(UDMABUF_UDEV_RULE), out);
});

guestCase('probe: a machine with no heaps says plainly that none were found', () => {
  const dir = mkdtempSync('/tmp/heapwise-probe-');
  try {
    const empty = probe({ devDir: dir, sysDir: dir, procDir: dir });
    assert.deepEqual([empty.heaps, empty.udmabuf, empty.cma], [[], null, []]);
    assert.match(formatProbe(empty), /No DMA-BUF heaps were found/);
    assert.deepEqual(platformSkeleton(empty, 'x').heaps, []);
    // An unknown name gets kind null and is shown as needing a kind.
    mkdirSync(join(dir, 'dma_heap'));
    writeFileSync(join(dir, 'dma_heap', 'vendor-pool'), '');
    const odd = probe({ devDir: dir, sysDir: dir, procDir: dir });
    assert.equal(odd.heaps[0]?.kind, null);
    assert.match(formatProbe(odd), /vendor-pool\s+\? \(state "kind" in the platform\)/);
    assert.deepEqual(platformSkeleton(odd, 'x').heaps, [{ name: 'vendor-pool' }]);
  } finally {
    rmSync(dir, { recursive: true });
  }
});
