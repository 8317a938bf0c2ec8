// System heap through the addon: the happy paths every allocator library relies on.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadAddon } from '../../../host/kernel/addon.js';
import { expectErrno, fdFlags, MiB, O_CLOEXEC_OCTAL } from './expect.js';
import { guestCase } from './registry.js';

const a = loadAddon();
const c = a.constants;

/** Opens the system heap, runs body with it, closes it whatever happens. */
export function withHeap<T>(name: string, body: (heapFd: number) => T): T {
  const heap = a.openHeap(name);
  try {
    return body(heap);
  } finally {
    a.close(heap);
  }
}

export function withBuffer<T>(heapName: string, len: number | bigint, fdFlags: number, body: (fd: number) => T): T {
  return withHeap(heapName, (heap) => {
    const fd = a.heapAlloc(heap, len, fdFlags, 0n, heapName);
    try {
      return body(fd);
    } finally {
      a.close(fd);
    }
  });
}

guestCase('system heap: 1 MiB O_RDWR|O_CLOEXEC, mmap, pattern written and read back inside SYNC brackets', () => {
  withBuffer('system', MiB, c.O_RDWR | c.O_CLOEXEC, (fd) => {
    assert.ok(fdFlags(a.readFdinfo(fd)) & O_CLOEXEC_OCTAL, 'the dma-buf fd is close-on-exec');
    const m = a.mmap(fd, MiB, c.PROT_READ | c.PROT_WRITE, c.MAP_SHARED);
    const words = new Uint32Array(m.buffer);
    assert.equal(words.length, MiB / 4);
    assert.ok(words.every((w) => w === 0), 'a fresh system-heap buffer is zeroed');
    a.sync(fd, c.DMA_BUF_SYNC_START | c.DMA_BUF_SYNC_WRITE);
    for (let i = 0; i < words.length; i++) words[i] = (i * 2654435761) >>> 0;
    a.sync(fd, c.DMA_BUF_SYNC_END | c.DMA_BUF_SYNC_WRITE);
    a.munmap(m);
    assert.equal(words.length, 0, 'views are detached once unmapped');
    // A second, independent mapping sees what the first wrote: the pages are the buffer's.
    const m2 = a.mmap(fd, MiB, c.PROT_READ, c.MAP_SHARED);
    const again = new Uint32Array(m2.buffer);
    a.sync(fd, c.DMA_BUF_SYNC_START | c.DMA_BUF_SYNC_READ);
    for (let i = 0; i < again.length; i++) {
      if (again[i] !== (i * 2654435761) >>> 0) assert.fail(`word ${i} reads ${again[i]}`);
    }
    a.sync(fd, c.DMA_BUF_SYNC_END | c.DMA_BUF_SYNC_READ);
    a.munmap(m2);
  });
});

guestCase('system heap: DMA_BUF_SET_NAME shows in fdinfo (size, exp_name, name) and debugfs bufinfo', () => {
  withBuffer('system', MiB, c.O_RDWR | c.O_CLOEXEC, (fd) => {
    const before = a.readFdinfo(fd);
    assert.match(before, /^size:\s+1048576$/m);
    assert.match(before, /^exp_name:\s+system$/m);
    const name = 'heapwise-guest-frame-0123456789'; // 31 bytes + NUL = DMA_BUF_NAME_LEN
    assert.equal(name.length, 31);
    a.setName(fd, name);
    assert.match(a.readFdinfo(fd), new RegExp(`^name:\\s+${name}$`, 'm'));
    assert.ok(readFileSync('/sys/kernel/debug/dma_buf/bufinfo', 'utf8').includes(name), 'debugfs bufinfo names the buffer');
  });
});

guestCase('system heap: len 1 is accepted and rounded up to a page', () => {
  withBuffer('system', 1, c.O_RDWR | c.O_CLOEXEC, (fd) => {
    assert.match(a.readFdinfo(fd), new RegExp(`^size:\\s+${c.PAGE_SIZE}$`, 'm'));
  });
});

guestCase('system heap: fd_flags without O_CLOEXEC are accepted (fd not close-on-exec)', () => {
  withBuffer('system', 4096, c.O_RDWR, (fd) => {
    assert.equal(fdFlags(a.readFdinfo(fd)) & O_CLOEXEC_OCTAL, 0);
  });
});

guestCase('system heap: SYNC END without START is accepted', () => {
  withBuffer('system', 4096, c.O_RDWR | c.O_CLOEXEC, (fd) => {
    a.sync(fd, c.DMA_BUF_SYNC_END | c.DMA_BUF_SYNC_RW);
  });
});

// system_heap_mmap remaps page by page, and remap_pfn_range accepts a copy-on-write mapping
// (every MAP_PRIVATE one: VM_MAYWRITE is set even for an O_RDONLY fd) only when one call covers
// the whole vma. So MAP_PRIVATE works for a one-page buffer and is EINVAL for anything larger.
guestCase('system heap: MAP_PRIVATE of a one-page buffer works', () => {
  withBuffer('system', 4096, c.O_RDWR | c.O_CLOEXEC, (fd) => {
    const m = a.mmap(fd, 4096, c.PROT_READ | c.PROT_WRITE, c.MAP_PRIVATE);
    new Uint8Array(m.buffer)[0] = 1;
    a.munmap(m);
  });
});

guestCase('system heap: MAP_PRIVATE of a multi-page buffer -> EINVAL (O_RDWR and O_RDONLY alike)', () => {
  withBuffer('system', 8192, c.O_RDWR | c.O_CLOEXEC, (fd) =>
    expectErrno('EINVAL', () => a.mmap(fd, 8192, c.PROT_READ, c.MAP_PRIVATE), 'mmap'));
  withBuffer('system', 64 * 1024, c.O_RDONLY | c.O_CLOEXEC, (fd) =>
    expectErrno('EINVAL', () => a.mmap(fd, 64 * 1024, c.PROT_READ, c.MAP_PRIVATE), 'mmap'));
});

guestCase('system heap: O_RDONLY buffer maps read-only', () => {
  withBuffer('system', 4096, c.O_RDONLY | c.O_CLOEXEC, (fd) => {
    const m = a.mmap(fd, 4096, c.PROT_READ, c.MAP_SHARED);
    assert.equal(new Uint8Array(m.buffer)[0], 0);
    a.munmap(m);
  });
});
