// JS ownership of kernel fds: one owner, one close, no use after close or unmap, and leaks
// reported (never silently closed) by the FinalizationRegistry.
import assert from 'node:assert/strict';
import { loadAddon } from '../../../host/kernel/addon.js';
import { onFdLeak, type FdLeak } from '../../../host/kernel/fd-leaks.js';
import { HeapFd } from '../../../host/kernel/heap-fd.js';
import { guestCase } from './registry.js';

const a = loadAddon();
const c = a.constants;

guestCase('ownership: a buffer closes once; a second close or a later use throws without touching the fd', () => {
  const heap = HeapFd.openHeap('system');
  try {
    const buf = heap.allocate(8192, c.O_RDWR | c.O_CLOEXEC);
    assert.equal(buf.size, 8192);
    assert.equal(buf.fdinfo().expName, 'system');
    const n = buf.fd();
    buf.close();
    assert.ok(buf.closed);
    // Reuse the number: a stale owner must not be able to close someone else's fd.
    const other = heap.allocate(4096, c.O_RDWR | c.O_CLOEXEC);
    try {
      assert.equal(other.fd(), n, 'the kernel hands out the lowest free fd');
      assert.throws(() => buf.close(), /close after close/);
      assert.throws(() => buf.sync(c.DMA_BUF_SYNC_START | c.DMA_BUF_SYNC_READ), /sync after close/);
      assert.equal(other.fdinfo().size, 4096, 'the reused fd is still open');
    } finally {
      other.close();
    }
  } finally {
    heap.close();
  }
});

guestCase('ownership: unmapping detaches the views; closing a buffer unmaps its live mappings', () => {
  const heap = HeapFd.openHeap('system');
  try {
    const buf = heap.allocate(4 * 4096, c.O_RDWR | c.O_CLOEXEC);
    const m = buf.map(c.PROT_READ | c.PROT_WRITE, c.MAP_SHARED);
    const view = m.bytes;
    view[100] = 7;
    m.unmap();
    assert.equal(view.length, 0, 'a view taken before unmap is empty after it');
    assert.throws(() => m.bytes, /used after unmap/);
    assert.throws(() => m.unmap(), /unmap twice/);
    const m2 = buf.map(c.PROT_READ, c.MAP_SHARED);
    const w = m2.words;
    assert.equal(m2.bytes[100], 7);
    assert.equal(buf.liveMappings, 1);
    buf.close();
    assert.equal(w.length, 0, 'close unmapped the live mapping');
    assert.ok(!m2.mapped);
  } finally {
    heap.close();
  }
});

guestCase('ownership: a buffer garbage-collected without close is reported as a leak and stays open', async () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  assert.ok(gc, 'run the guest suite with node --expose-gc');
  const leaks: FdLeak[] = [];
  onFdLeak((l) => leaks.push(l));
  const heap = HeapFd.openHeap('system');
  let leakedFd = -1;
  try {
    (() => {
      const buf = heap.allocate(4096, c.O_RDWR | c.O_CLOEXEC);
      leakedFd = buf.fd();
    })();
    for (let i = 0; i < 20 && leaks.length === 0; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(leaks.length, 1, 'exactly one leak reported');
    assert.equal(leaks[0]!.fd, leakedFd);
    assert.match(leaks[0]!.label, /dma-buf system/);
    assert.match(a.readFdinfo(leakedFd), /^exp_name:\s+system$/m, 'the registry reported the fd but did not close it');
  } finally {
    onFdLeak(null);
    if (leakedFd >= 0) a.close(leakedFd);
    heap.close();
  }
});
