// The CMA heap (custom kernel booted with cma=64M, heap named "reserved"): contiguous memory,
// counted in sysfs, and ENOMEM - not the OOM killer - when the area is used up.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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

// Contiguity itself is not visible from user space (pagemap reports the heap's PFN-mapped vma
// as a hole); the CMA counters show the pages came from the contiguous area.
guestCase('cma: a 4 MiB allocation comes out of the CMA area (sysfs counters) and maps', () => {
  const before = counter('alloc_pages_success');
  const releasedBefore = counter('release_pages_success');
  withBuffer('reserved', 4 * MiB, RW_CLOEXEC, (fd) => {
    assert.equal(counter('alloc_pages_success') - before, 1024);
    assert.match(a.readFdinfo(fd), /^exp_name:\s+reserved$/m);
    const m = a.mmap(fd, 4 * MiB, c.PROT_READ | c.PROT_WRITE, c.MAP_SHARED);
    const words = new Uint32Array(m.buffer);
    a.sync(fd, c.DMA_BUF_SYNC_START | c.DMA_BUF_SYNC_RW);
    for (let i = 0; i < words.length; i += 1024) words[i] = i;
    for (let i = 0; i < words.length; i += 1024) if (words[i] !== i) assert.fail(`word ${i}`);
    a.sync(fd, c.DMA_BUF_SYNC_END | c.DMA_BUF_SYNC_RW);
    a.munmap(m);
  });
  // Not CmaFree: freed pages pass through per-CPU lists, so it moves by more or less than this.
  assert.equal(counter('release_pages_success') - releasedBefore, 1024, 'closing the buffer released its pages to the area');
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
