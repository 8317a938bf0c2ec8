// The CMA heap (custom kernel booted with cma=64M, heap named "reserved"): contiguous memory,
// counted in sysfs, and ENOMEM - not the OOM killer - when the area is used up.
import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { HeapKind } from '../../../host/abi/generated.js';
import type { BackendHeap } from '../../../host/backend/backend.js';
import { KernelBackend } from '../../../host/backend/kernel.js';
import { loadAddon } from '../../../host/kernel/addon.js';
import { probe } from '../../../host/probe/index.js';
import { expectErrno, MiB } from './expect.js';
import { withBuffer, withHeap } from './cases-heap.js';
import { guestCase } from './registry.js';

const a = loadAddon();
const c = a.constants;
const RW_CLOEXEC = c.O_RDWR | c.O_CLOEXEC;
const CMA_AREA = '/sys/kernel/mm/cma/reserved';
const RESERVED: BackendHeap = { name: 'reserved', kind: HeapKind.CMA, size: 64 * MiB, cpuAccess: true };

function counter(name: string): number {
  return Number(readFileSync(`${CMA_AREA}/${name}`, 'utf8').trim());
}

/** Physical frame numbers of a named dma-buf mapping, from /proc/self/maps and pagemap. */
function framesOf(bufferName: string, pages: number): number[] {
  const line = readFileSync('/proc/self/maps', 'utf8').split('\n').find((l) => l.includes(`dmabuf:${bufferName}`));
  assert.ok(line, `mapping of ${bufferName} in /proc/self/maps`);
  const start = BigInt('0x' + line.split('-')[0]);
  const fd = openSync('/proc/self/pagemap', 'r');
  try {
    const entries = Buffer.alloc(pages * 8);
    readSync(fd, entries, 0, entries.length, Number((start / 4096n) * 8n));
    return Array.from({ length: pages }, (_, i) => {
      const e = entries.readBigUInt64LE(i * 8);
      assert.ok(e >> 63n, `page ${i} present`);
      return Number(e & ((1n << 55n) - 1n));
    });
  } finally {
    closeSync(fd);
  }
}

guestCase('cma: probe infers "reserved" as kind cma and reads the area counters', () => {
  const r = probe();
  const reserved = r.heaps.find((h) => h.name === 'reserved');
  assert.ok(reserved, `reserved heap listed: ${JSON.stringify(r.heaps)}`);
  assert.equal(reserved.kind, 'cma');
  assert.equal(reserved.access, 'ok');
  const area = r.cma.find((x) => x.name === 'reserved');
  assert.ok(area, `CMA area listed: ${JSON.stringify(r.cma)}`);
  assert.equal(typeof area.counters.alloc_pages_success, 'number');
  assert.equal(typeof area.counters.alloc_pages_fail, 'number');
  assert.equal(r.cmaTotal, 64 * MiB);
}, { kernel: 'cma' });

guestCase('cma: a 4 MiB allocation works, is physically contiguous and is counted in sysfs', () => {
  const before = counter('alloc_pages_success');
  withBuffer('reserved', 4 * MiB, RW_CLOEXEC, (fd) => {
    assert.equal(counter('alloc_pages_success') - before, 1024);
    a.setName(fd, 'cma-contiguous');
    const m = a.mmap(fd, 4 * MiB, c.PROT_READ | c.PROT_WRITE, c.MAP_SHARED);
    const bytes = new Uint8Array(m.buffer);
    a.sync(fd, c.DMA_BUF_SYNC_START | c.DMA_BUF_SYNC_RW);
    for (let p = 0; p < 1024; p++) bytes[p * 4096] = p & 0xff; // fault every page in
    a.sync(fd, c.DMA_BUF_SYNC_END | c.DMA_BUF_SYNC_RW);
    const frames = framesOf('cma-contiguous', 1024);
    a.munmap(m);
    for (let i = 1; i < frames.length; i++) assert.equal(frames[i], frames[0]! + i, `frame ${i} follows frame ${i - 1}`);
  });
}, { kernel: 'cma' });

guestCase('cma: exhausting the area returns ENOMEM cleanly, and freeing makes room again', () => {
  const failBefore = counter('alloc_pages_fail');
  withHeap('reserved', (heap) => {
    const fds: number[] = [];
    try {
      let refused;
      for (let i = 0; i < 16 && !refused; i++) {
        try {
          fds.push(a.heapAlloc(heap, 8 * MiB, RW_CLOEXEC, 0n, 'reserved'));
        } catch (e) {
          refused = e;
        }
      }
      assert.ok(refused, 'sixteen 8 MiB allocations cannot all fit in 64 MiB');
      expectErrno('ENOMEM', () => { throw refused; }, 'DMA_HEAP_IOCTL_ALLOC');
      assert.ok(fds.length >= 4 && fds.length <= 8, `${fds.length} x 8 MiB fitted in the 64 MiB area`);
      assert.ok(counter('alloc_pages_fail') > failBefore, 'the failure is counted in alloc_pages_fail');
    } finally {
      for (const fd of fds) a.close(fd);
    }
    const again = a.heapAlloc(heap, 8 * MiB, RW_CLOEXEC, 0n, 'reserved');
    a.close(again);
    return `${fds.length} x 8 MiB before ENOMEM`;
  });
}, { kernel: 'cma' });

guestCase('cma: MAP_PRIVATE -> EINVAL', () => {
  withBuffer('reserved', 64 * 1024, RW_CLOEXEC, (fd) =>
    expectErrno('EINVAL', () => a.mmap(fd, 64 * 1024, c.PROT_READ | c.PROT_WRITE, c.MAP_PRIVATE), 'mmap'));
}, { kernel: 'cma' });

guestCase('cma: KernelBackend returns ENOMEM as a value and keeps usage exact', () => {
  const b = new KernelBackend();
  try {
    const fds: number[] = [];
    let last = b.alloc(RESERVED, 16 * MiB, RW_CLOEXEC);
    while (last.ok) {
      fds.push(last.fd);
      last = b.alloc(RESERVED, 16 * MiB, RW_CLOEXEC);
    }
    assert.deepEqual(last, { ok: false, errno: 12, code: 'ENOMEM' });
    assert.equal(b.usage(RESERVED), fds.length * 16 * MiB);
    for (const fd of fds) assert.equal(b.close(fd), 0);
    assert.equal(b.usage(RESERVED), 0);
  } finally {
    b.dispose();
  }
}, { kernel: 'cma' });
