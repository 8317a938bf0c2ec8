// `heapwise simulate --backend kernel` on the bundled workloads: each board's devices on this
// guest's heaps (system, udmabuf, and the CMA area on the CMA kernel), real allocations, real
// mmaps with a pattern written and verified on every CPU access, real syncs, the referee
// watching. Also the CLI itself, and the C example with the kernel backend.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KernelBackend } from '../../../host/backend/kernel.js';
import { PolicyModule } from '../../../host/module/policy-module.js';
import { parsePlatform } from '../../../host/platform/parse.js';
import { simulate } from '../../../host/simulate/run.js';
import { loadWorkloadFile } from '../../../host/simulate/workload.js';
import { MiB, openFdCount } from './expect.js';
import { guestCase } from './registry.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const cma = () => existsSync('/dev/dma_heap/reserved');

/** The board's devices, this machine's heaps. */
function onThisMachine(boardFile: string) {
  const board = JSON.parse(readFileSync(boardFile, 'utf8')) as { name: string; devices: { preferredHeaps?: string[] }[] };
  return parsePlatform({
    name: `${board.name} on qemu`,
    heaps: [{ name: 'system' }, { name: 'udmabuf' }, ...(cma() ? [{ name: 'reserved', size: 64 * MiB, maxAddressBits: 32 }] : [])],
    devices: board.devices.map(({ preferredHeaps: _p, ...d }) => d),
  }, boardFile);
}

guestCase('simulate --backend kernel: every bundled workload through the default policy, 0 violations, no fd leak', async () => {
  const mod = await PolicyModule.compile(readFileSync(join(root, 'policies/default/build/default.wasm')), { label: 'default' });
  const dir = join(root, 'examples/workloads');
  const out: string[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
    const raw = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { platform: string };
    const w = loadWorkloadFile(join(dir, f), onThisMachine(join(dir, raw.platform)));
    // The system heap answers more than the guest's memory with the OOM killer, not ENOMEM:
    // workloads whose peak (measured on the model) would not fit are not run for real.
    const model = simulate(w, mod);
    const peak = Object.values(model.peakBytes).reduce((a, b) => a + b, 0);
    if (peak > 160 * MiB) { out.push(`${f.replace('.json', '')}: peak ${Math.round(peak / MiB)} MiB exceeds the guest, model only`); continue; }
    const before = openFdCount();
    const r = simulate(w, mod, { backend: new KernelBackend() });
    assert.deepEqual(r.allocations, model.allocations, `${f}: the kernel placed differently from the model`);
    assert.equal(openFdCount(), before, `${f}: fds leaked`);
    assert.deepEqual(r.violations, [], `${f}: violations`);
    assert.equal(r.backend, 'kernel');
    const placed = Object.values(r.allocations).reduce((a, b) => a + b, 0);
    out.push(`${f.replace('.json', '')}: ${placed} placed, ${r.failures} unplaceable here, ${r.syncs.issued}/${r.syncs.naive} syncs`);
  }
  return out.join('; ');
});

guestCase('simulate --backend kernel through the CLI exits 0 and reports the kernel backend', () => {
  const r = spawnSync(process.execPath, [join(root, 'bin/heapwise.js'), 'simulate', '--backend', 'kernel', '--json',
    '--workload', join(root, 'test/kernel/guest/fixtures/guest-workload.json')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const rep = JSON.parse(r.stdout) as { backend: string; violations: unknown[]; syncs: { issued: number } };
  assert.equal(rep.backend, 'kernel');
  assert.deepEqual(rep.violations, []);
  return `${rep.syncs.issued} syncs`;
});

guestCase('C example: the compositor buffer path on /dev/dma_heap/system, no fd leak', () => {
  const exe = join(root, 'bindings/c/build/compositor');
  if (!existsSync(exe)) throw new Error(`${exe} is not in the guest image (make -C bindings/c)`);
  const r = spawnSync(exe, ['--backend', 'kernel'], { encoding: 'utf8', cwd: root });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  return r.stdout.trim().split('\n').at(-1) ?? '';
});
