// The engine end to end on the real kernel: the default policy (WebAssembly) places buffers,
// KernelBackend executes the allocation, naming, sync brackets and CPU accesses it asks for.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KernelBackend } from '../../../host/backend/kernel.js';
import { Engine } from '../../../host/engine/engine.js';
import { loadAddon } from '../../../host/kernel/addon.js';
import { parseFdinfo } from '../../../host/kernel/fdinfo.js';
import { MiB, openFdCount } from './expect.js';
import { guestCase } from './registry.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const a = loadAddon();

function platform(withCma: boolean): unknown {
  return {
    name: 'qemu-guest',
    heaps: [
      { name: 'system' },
      { name: 'udmabuf' },
      // 1 GiB guest: the CMA area lies below 4 GiB, reachable by a 32-bit device.
      ...(withCma ? [{ name: 'reserved', size: 64 * MiB, maxAddressBits: 32 }] : []),
    ],
    devices: [
      { name: 'gpu', dmaMaskBits: 64, iommu: true, coherent: true },
      // No IOMMU: needs physically contiguous memory, i.e. the CMA heap.
      { name: 'display', dmaMaskBits: 32, iommu: false, coherent: false },
    ],
  };
}

async function engine(withCma: boolean): Promise<Engine> {
  const wasm = readFileSync(join(root, 'policies', 'default', 'build', 'default.wasm'));
  return Engine.load(wasm, platform(withCma), { backend: new KernelBackend() });
}

guestCase('engine: the default policy places, names, syncs and frees a CPU-written buffer on the real kernel', async () => {
  const before = openFdCount();
  const e = await engine(false);
  try {
    const buf = e.allocate({ size: MiB, devices: ['gpu'], cpu: 'readwrite', name: 'engine-frame' });
    assert.ok(buf.fd !== null && buf.heap !== null, `placed: ${JSON.stringify(buf.decision)}`);
    const info = parseFdinfo(a.readFdinfo(buf.fd));
    assert.equal(info.expName, buf.heap, 'the kernel exported it from the heap the policy chose');
    assert.equal(info.name, 'engine-frame');
    assert.equal(info.size, MiB);
    e.cpuAccess(buf, 'write');
    e.deviceBegin(buf, 'gpu', 'read');
    e.deviceEnd(buf, 'gpu');
    e.cpuAccess(buf, 'read');
    e.free(buf);
    assert.equal(openFdCount(), before + 1, 'only the cached heap fd remains');
    return `placed in ${buf.heap}`;
  } finally {
    e.dispose();
  }
});

guestCase('engine: a device without IOMMU gets the CMA heap, and the kernel agrees', async () => {
  const e = await engine(true);
  try {
    const buf = e.allocate({ size: 4 * MiB, devices: ['display'], cpu: 'write', name: 'scanout' });
    assert.equal(buf.heap, 'reserved', JSON.stringify(buf.decision));
    assert.equal(parseFdinfo(a.readFdinfo(buf.fd!)).expName, 'reserved');
    e.cpuAccess(buf, 'write');
    e.deviceBegin(buf, 'display', 'read');
    e.deviceEnd(buf, 'display');
    e.free(buf);
  } finally {
    e.dispose();
  }
}, { kernel: 'cma' });
