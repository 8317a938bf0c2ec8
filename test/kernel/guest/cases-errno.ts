// Every errno measured on 6.12 for the heap and dma-buf ioctls (shared/notes/kernel-vm.md):
// the kernel, not the addon, must be the one saying no.
import assert from 'node:assert/strict';
import { loadAddon } from '../../../host/kernel/addon.js';
import { expectErrno } from './expect.js';
import { withBuffer, withHeap } from './cases-heap.js';
import { guestCase } from './registry.js';

const a = loadAddon();
const c = a.constants;
const RW_CLOEXEC = c.O_RDWR | c.O_CLOEXEC;
const U64_MAX = (1n << 64n) - 1n;

// _IOC encoding (x86/arm64): dir<<30 | size<<16 | type<<8 | nr.
function ioc(dir: number, type: string, nr: number, size: number): number {
  return ((dir << 30) | (size << 16) | (type.charCodeAt(0) << 8) | nr) >>> 0;
}
const IOC_READ_WRITE = 3;

function allocErrno(code: string, len: number | bigint, fdFlags: number, heapFlags: bigint): void {
  withHeap('system', (heap) => expectErrno(code, () => {
    const fd = a.heapAlloc(heap, len, fdFlags, heapFlags, 'system');
    a.close(fd); // only reached when the kernel wrongly accepted it
    return fd;
  }, 'DMA_HEAP_IOCTL_ALLOC'));
}

guestCase('alloc errno: len 0 -> EINVAL', () => allocErrno('EINVAL', 0, RW_CLOEXEC, 0n));
guestCase('alloc errno: len UINT64_MAX -> EINVAL', () => allocErrno('EINVAL', U64_MAX, RW_CLOEXEC, 0n));
guestCase('alloc errno: heap_flags != 0 -> EINVAL', () => allocErrno('EINVAL', 4096, RW_CLOEXEC, 1n));
guestCase('alloc errno: fd_flags with O_NONBLOCK -> EINVAL', () => allocErrno('EINVAL', 4096, RW_CLOEXEC | c.O_NONBLOCK, 0n));
guestCase('alloc errno: fd_flags with an unknown bit -> EINVAL', () => allocErrno('EINVAL', 4096, RW_CLOEXEC | 0x40000000, 0n));

guestCase('alloc errno: non-zero input .fd -> EINVAL', () => {
  // struct dma_heap_allocation_data { u64 len; u32 fd; u32 fd_flags; u64 heap_flags; }
  const data = new Uint8Array(24);
  const v = new DataView(data.buffer);
  v.setBigUint64(0, 4096n, true);
  v.setUint32(8, 5, true);
  v.setUint32(12, RW_CLOEXEC, true);
  withHeap('system', (heap) => expectErrno('EINVAL', () => a.ioctl(heap, c.DMA_HEAP_IOCTL_ALLOC, data), 'ioctl'));
});

guestCase('sync errno: flags 0x100|READ -> EINVAL', () => {
  withBuffer('system', 4096, RW_CLOEXEC, (fd) =>
    expectErrno('EINVAL', () => a.sync(fd, 0x100 | c.DMA_BUF_SYNC_READ), 'DMA_BUF_IOCTL_SYNC'));
});

guestCase('sync errno: START with neither READ nor WRITE -> EINVAL', () => {
  withBuffer('system', 4096, RW_CLOEXEC, (fd) =>
    expectErrno('EINVAL', () => a.sync(fd, c.DMA_BUF_SYNC_START), 'DMA_BUF_IOCTL_SYNC'));
});

guestCase('set name errno: longer than 32 bytes -> EINVAL, name unchanged', () => {
  withBuffer('system', 4096, RW_CLOEXEC, (fd) => {
    a.setName(fd, 'before');
    const e = expectErrno('EINVAL', () => a.setName(fd, 'x'.repeat(33), 'frame'), 'DMA_BUF_SET_NAME');
    assert.equal(e.target, 'frame', 'the error names the buffer');
    assert.match(a.readFdinfo(fd), /^name:\s+before$/m);
  });
});

guestCase('set name errno: exactly 32 bytes (no room for NUL) -> EINVAL', () => {
  withBuffer('system', 4096, RW_CLOEXEC, (fd) =>
    expectErrno('EINVAL', () => a.setName(fd, 'y'.repeat(32)), 'DMA_BUF_SET_NAME'));
});

guestCase('mmap errno: beyond the buffer size -> EINVAL', () => {
  withBuffer('system', 8192, RW_CLOEXEC, (fd) =>
    expectErrno('EINVAL', () => a.mmap(fd, 3 * 4096, c.PROT_READ, c.MAP_SHARED), 'mmap'));
});

guestCase('mmap errno: offset past the end -> EINVAL', () => {
  withBuffer('system', 8192, RW_CLOEXEC, (fd) =>
    expectErrno('EINVAL', () => a.mmap(fd, 4096, c.PROT_READ, c.MAP_SHARED, 8192), 'mmap'));
});

guestCase('mmap errno: PROT_WRITE of an O_RDONLY buffer -> EACCES', () => {
  withBuffer('system', 4096, c.O_RDONLY | c.O_CLOEXEC, (fd) =>
    expectErrno('EACCES', () => a.mmap(fd, 4096, c.PROT_READ | c.PROT_WRITE, c.MAP_SHARED), 'mmap'));
});

guestCase('ioctl errno: unknown request on a heap fd -> EINVAL', () => {
  withHeap('system', (heap) => expectErrno('EINVAL', () => a.ioctl(heap, ioc(IOC_READ_WRITE, 'H', 0x7, 24)), 'ioctl'));
});

guestCase('ioctl errno: unknown request on a dma-buf fd -> ENOTTY', () => {
  withBuffer('system', 4096, RW_CLOEXEC, (fd) =>
    expectErrno('ENOTTY', () => a.ioctl(fd, ioc(IOC_READ_WRITE, 'b', 0x3f, 8)), 'ioctl'));
});

guestCase('open errno: a heap that does not exist -> ENOENT naming the node', () => {
  const e = expectErrno('ENOENT', () => a.openHeap('no-such-heap'), 'openHeap');
  assert.equal(e.target, '/dev/dma_heap/no-such-heap');
});
