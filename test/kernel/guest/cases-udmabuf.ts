// /dev/udmabuf: a dma-buf from a sealed memfd, and each way UDMABUF_CREATE refuses one.
import assert from 'node:assert/strict';
import { closeSync, openSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadAddon } from '../../../host/kernel/addon.js';
import { expectErrno } from './expect.js';
import { guestCase } from './registry.js';

const a = loadAddon();
const c = a.constants;
const PAGE = c.PAGE_SIZE;

function withDevice<T>(body: (dev: number) => T): T {
  const dev = a.openUdmabuf();
  try {
    return body(dev);
  } finally {
    a.close(dev);
  }
}

/** A memfd of `size` bytes with `seals` added (0: unsealed but sealable). */
function withMemfd<T>(size: number, seals: number, body: (memfd: number) => T): T {
  const memfd = a.memfdCreate('heapwise-test', c.MFD_ALLOW_SEALING | c.MFD_CLOEXEC);
  try {
    a.ftruncate(memfd, size);
    if (seals) a.addSeals(memfd, seals);
    return body(memfd);
  } finally {
    a.close(memfd);
  }
}

function createErrno(code: string, memfd: number, offset: number, size: number): void {
  withDevice((dev) => expectErrno(code, () => {
    const fd = a.udmabufCreateFrom(dev, memfd, offset, size, c.UDMABUF_FLAGS_CLOEXEC);
    a.close(fd);
    return fd;
  }, 'UDMABUF_CREATE'));
}

guestCase('udmabuf: sealed memfd becomes a mappable dma-buf (fdinfo exp_name udmabuf)', () => {
  withDevice((dev) => {
    const fd = a.udmabufCreate(dev, 16 * PAGE);
    try {
      assert.match(a.readFdinfo(fd), new RegExp(`^size:\\s+${16 * PAGE}$`, 'm'));
      assert.match(a.readFdinfo(fd), /^exp_name:\s+udmabuf$/m);
      const m = a.mmap(fd, 16 * PAGE, c.PROT_READ | c.PROT_WRITE, c.MAP_SHARED);
      const bytes = new Uint8Array(m.buffer);
      a.sync(fd, c.DMA_BUF_SYNC_START | c.DMA_BUF_SYNC_RW);
      bytes.fill(0xa5);
      assert.equal(bytes[16 * PAGE - 1], 0xa5);
      a.sync(fd, c.DMA_BUF_SYNC_END | c.DMA_BUF_SYNC_RW);
      a.munmap(m);
    } finally {
      a.close(fd);
    }
  });
});

guestCase('udmabuf: the memfd pages are the buffer pages (write through memfd, read through dma-buf)', () => {
  withMemfd(4 * PAGE, c.F_SEAL_SHRINK, (memfd) => withDevice((dev) => {
    const mm = a.mmap(memfd, 4 * PAGE, c.PROT_READ | c.PROT_WRITE, c.MAP_SHARED);
    new Uint8Array(mm.buffer).fill(0x3c);
    a.munmap(mm);
    const fd = a.udmabufCreateFrom(dev, memfd, PAGE, 2 * PAGE, c.UDMABUF_FLAGS_CLOEXEC);
    try {
      const m = a.mmap(fd, 2 * PAGE, c.PROT_READ, c.MAP_SHARED);
      assert.ok(new Uint8Array(m.buffer).every((b) => b === 0x3c));
      a.munmap(m);
    } finally {
      a.close(fd);
    }
  }));
});

guestCase('udmabuf errno: unsealed memfd -> EINVAL', () => {
  withMemfd(4 * PAGE, 0, (memfd) => createErrno('EINVAL', memfd, 0, 4 * PAGE));
});

guestCase('udmabuf errno: size not page aligned -> EINVAL', () => {
  withMemfd(4 * PAGE, c.F_SEAL_SHRINK, (memfd) => createErrno('EINVAL', memfd, 0, PAGE + 1));
});

guestCase('udmabuf errno: offset not page aligned -> EINVAL', () => {
  withMemfd(4 * PAGE, c.F_SEAL_SHRINK, (memfd) => createErrno('EINVAL', memfd, 1, PAGE));
});

guestCase('udmabuf errno: size beyond the memfd -> EINVAL', () => {
  withMemfd(4 * PAGE, c.F_SEAL_SHRINK, (memfd) => createErrno('EINVAL', memfd, 0, 8 * PAGE));
});

guestCase('udmabuf errno: size 0 -> EINVAL', () => {
  withMemfd(4 * PAGE, c.F_SEAL_SHRINK, (memfd) => createErrno('EINVAL', memfd, 0, 0));
});

guestCase('udmabuf errno: a plain tmpfs file instead of a memfd -> EINVAL', () => {
  const path = '/tmp/heapwise-udmabuf-plain';
  writeFileSync(path, Buffer.alloc(4 * PAGE));
  const fd = openSync(path, 'r+');
  try {
    createErrno('EINVAL', fd, 0, 4 * PAGE);
  } finally {
    closeSync(fd);
    rmSync(path);
  }
});

guestCase('udmabuf errno: memfd sealed SHRINK|WRITE -> EINVAL', () => {
  withMemfd(4 * PAGE, c.F_SEAL_SHRINK | c.F_SEAL_WRITE, (memfd) => createErrno('EINVAL', memfd, 0, 4 * PAGE));
});

guestCase('udmabuf errno: memfd 9999 (not open) -> EBADFD', () => {
  createErrno('EBADFD', 9999, 0, PAGE);
});

guestCase('udmabuf: udmabufCreate closes its memfd on success and on failure', () => {
  withDevice((dev) => {
    const before = new Set(readdirSync('/proc/self/fd'));
    expectErrno('EINVAL', () => a.udmabufCreate(dev, PAGE + 1), 'UDMABUF_CREATE');
    assert.deepEqual(new Set(readdirSync('/proc/self/fd')), before, 'no memfd left open after a refused create');
    const fd = a.udmabufCreate(dev, PAGE);
    try {
      const added = readdirSync('/proc/self/fd').filter((f) => !before.has(f));
      assert.deepEqual(added, [String(fd)], 'only the dma-buf fd is new');
    } finally {
      a.close(fd);
    }
  });
});
