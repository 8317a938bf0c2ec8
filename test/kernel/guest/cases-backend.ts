// KernelBackend: the engine's view of the real kernel. Errnos come back as values, CPU access
// writes and verifies a pattern, and nothing leaks over thousands of cycles.
import assert from 'node:assert/strict';
import { HeapKind } from '../../../host/abi/generated.js';
import type { BackendHeap } from '../../../host/backend/backend.js';
import { CPU_READ, CPU_WRITE, KernelBackend } from '../../../host/backend/kernel.js';
import { loadAddon } from '../../../host/kernel/addon.js';
import { openFdCount } from './expect.js';
import { guestCase } from './registry.js';

const a = loadAddon();
const c = a.constants;
const RW_CLOEXEC = c.O_RDWR | c.O_CLOEXEC;
const SYNC_START_RW = c.DMA_BUF_SYNC_START | c.DMA_BUF_SYNC_RW;
const SYNC_END_RW = c.DMA_BUF_SYNC_END | c.DMA_BUF_SYNC_RW;

export const SYSTEM: BackendHeap = { name: 'system', kind: HeapKind.SYSTEM, size: 0, cpuAccess: true };
export const UDMABUF: BackendHeap = { name: 'udmabuf', kind: HeapKind.UDMABUF, size: 0, cpuAccess: true };

function allocated(r: ReturnType<KernelBackend['alloc']>): number {
  if (!r.ok) assert.fail(`alloc failed: ${r.code}`);
  return r.fd;
}

export function withBackend<T>(body: (b: KernelBackend) => T): T {
  const b = new KernelBackend();
  try {
    return body(b);
  } finally {
    b.dispose();
  }
}

guestCase('KernelBackend: 10,000 alloc/sync/free cycles on system, no fd leak, usage back to 0', () => {
  const before = openFdCount();
  const t0 = Date.now();
  withBackend((b) => {
    for (let i = 0; i < 10_000; i++) {
      const fd = allocated(b.alloc(SYSTEM, 64 * 1024, RW_CLOEXEC));
      assert.equal(b.sync(fd, SYNC_START_RW), 0);
      if (i % 500 === 0) assert.equal(b.cpuAccess(fd, 64 * 1024, CPU_WRITE | CPU_READ, i), 0);
      assert.equal(b.sync(fd, SYNC_END_RW), 0);
      assert.equal(b.close(fd), 0);
    }
    assert.equal(b.usage(SYSTEM), 0);
    assert.equal(b.openBuffers, 0);
    assert.equal(openFdCount(), before + 1, 'only the cached heap fd is open');
  });
  assert.equal(openFdCount(), before, 'dispose closed the heap fd');
  return `${Date.now() - t0} ms for 10,000 cycles of 64 KiB`;
});

guestCase('KernelBackend: cpuAccess verifies the last write; a corrupted byte reads back as EBADMSG', () => {
  withBackend((b) => {
    const size = 256 * 1024;
    const fd = allocated(b.alloc(SYSTEM, size, RW_CLOEXEC));
    assert.equal(b.cpuAccess(fd, size, CPU_READ, 0), 0, 'a fresh buffer reads as the kernel zero fill');
    assert.equal(b.cpuAccess(fd, size, CPU_WRITE, 41), 0);
    assert.equal(b.cpuAccess(fd, size, CPU_READ, 0), 0, 'the stamp-41 pattern reads back');
    // Change one byte behind the backend's back, through a second mapping of the same fd.
    const m = a.mmap(fd, size, c.PROT_READ | c.PROT_WRITE, c.MAP_SHARED);
    const bytes = new Uint8Array(m.buffer);
    bytes[size - 3] = bytes[size - 3]! ^ 0xff;
    a.munmap(m);
    assert.deepEqual(b.cpuAccess(fd, size, CPU_READ, 0), { errno: 74, code: 'EBADMSG' });
    assert.equal(b.cpuAccess(fd, size, CPU_WRITE, 42), 0, 'a new write replaces the pattern');
    assert.equal(b.cpuAccess(fd, size, CPU_READ, 0), 0);
    assert.equal(b.close(fd), 0);
  });
});

guestCase('KernelBackend: kernel errnos are returned as values, never thrown', () => {
  withBackend((b) => {
    assert.deepEqual(b.alloc(SYSTEM, 0, RW_CLOEXEC), { ok: false, errno: 22, code: 'EINVAL' });
    assert.deepEqual(b.alloc(SYSTEM, (1n << 64n) - 1n, RW_CLOEXEC), { ok: false, errno: 22, code: 'EINVAL' });
    assert.deepEqual(b.alloc(SYSTEM, 4096, RW_CLOEXEC, 1n), { ok: false, errno: 22, code: 'EINVAL' });
    assert.deepEqual(b.alloc({ ...SYSTEM, name: 'no-such-heap' }, 4096, RW_CLOEXEC), { ok: false, errno: 2, code: 'ENOENT' });
    const fd = allocated(b.alloc(SYSTEM, 4096, RW_CLOEXEC));
    assert.deepEqual(b.sync(fd, 0x100 | c.DMA_BUF_SYNC_READ), { errno: 22, code: 'EINVAL' });
    assert.deepEqual(b.sync(fd, c.DMA_BUF_SYNC_START), { errno: 22, code: 'EINVAL' });
    assert.deepEqual(b.setName(fd, 'z'.repeat(40)), { errno: 22, code: 'EINVAL' });
    assert.equal(b.setName(fd, 'ok-name'), 0);
    assert.deepEqual(b.cpuAccess(fd, 8192, CPU_READ, 0), { errno: 22, code: 'EINVAL' }, 'mapping beyond the buffer');
    assert.deepEqual(b.sync(fd + 100, SYNC_START_RW), { errno: 9, code: 'EBADF' }, 'an fd it does not own');
    assert.equal(b.close(fd), 0);
    assert.deepEqual(b.close(fd), { errno: 9, code: 'EBADF' }, 'closed exactly once');
    const ro = allocated(b.alloc(SYSTEM, 4096, c.O_RDONLY | c.O_CLOEXEC));
    assert.equal(b.cpuAccess(ro, 4096, CPU_READ, 0), 0, 'reading an O_RDONLY buffer works');
    assert.deepEqual(b.cpuAccess(ro, 4096, CPU_WRITE, 1), { errno: 13, code: 'EACCES' });
    assert.equal(b.close(ro), 0);
  });
});

guestCase('KernelBackend: udmabuf heap kind allocates through /dev/udmabuf from a sealed memfd', () => {
  withBackend((b) => {
    const fd = allocated(b.alloc(UDMABUF, 8 * 4096, RW_CLOEXEC));
    assert.match(a.readFdinfo(fd), /^exp_name:\s+udmabuf$/m);
    assert.equal(b.usage(UDMABUF), 8 * 4096);
    assert.equal(b.sync(fd, SYNC_START_RW), 0);
    assert.equal(b.cpuAccess(fd, 8 * 4096, CPU_WRITE, 7), 0);
    assert.equal(b.cpuAccess(fd, 8 * 4096, CPU_READ, 0), 0);
    assert.equal(b.sync(fd, SYNC_END_RW), 0);
    assert.deepEqual(b.alloc(UDMABUF, 4097, RW_CLOEXEC), { ok: false, errno: 22, code: 'EINVAL' }, 'udmabuf needs page multiples');
    assert.deepEqual(b.alloc(UDMABUF, 0, RW_CLOEXEC), { ok: false, errno: 22, code: 'EINVAL' });
    assert.deepEqual(b.alloc(UDMABUF, 4096, RW_CLOEXEC, 1n), { ok: false, errno: 22, code: 'EINVAL' });
    assert.equal(b.close(fd), 0);
    assert.equal(b.usage(UDMABUF), 0);
  });
});

guestCase('KernelBackend: heap fds are opened once and closed by dispose, with any buffers still open', () => {
  const before = openFdCount();
  const b = new KernelBackend();
  allocated(b.alloc(SYSTEM, 4096, RW_CLOEXEC));
  allocated(b.alloc(SYSTEM, 4096, RW_CLOEXEC));
  allocated(b.alloc(UDMABUF, 4096, RW_CLOEXEC));
  assert.equal(openFdCount(), before + 2 + 3, 'system and udmabuf devices once each, three buffers');
  assert.equal(b.usage(SYSTEM), 8192);
  b.dispose();
  assert.equal(openFdCount(), before);
  assert.throws(() => b.alloc(SYSTEM, 4096, RW_CLOEXEC), /disposed/);
});
