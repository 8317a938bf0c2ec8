// The model's DMA_BUF_IOCTL_SYNC flag checks, as dma_buf_ioctl makes them: bits outside
// READ|WRITE|END are EINVAL, and so is a sync without READ or WRITE. The engine passes numbers;
// a caller may pass the u64 as a bigint, and both must answer alike for every value.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeapKind } from '../../host/abi/generated.js';
import { ModelBackend } from '../../host/backend/model.js';

const system = { name: 'system', kind: HeapKind.SYSTEM, size: 0, cpuAccess: true };
const udmabuf = { name: 'udmabuf', kind: HeapKind.UDMABUF, size: 0, cpuAccess: true };

function kernelAnswer(flags: bigint): string {
  if ((flags & ~7n) !== 0n || (flags & 3n) === 0n) return 'EINVAL';
  return 'ok';
}

const show = (r: 0 | { code: string }) => (r === 0 ? 'ok' : r.code);

describe('model backend: sync flags', () => {
  it('answers every u64 as the kernel does, given as a number or a bigint', () => {
    const m = new ModelBackend();
    const a = m.alloc(system, 4096, 2);
    if (!a.ok) throw new Error('alloc failed');
    fc.assert(fc.property(fc.oneof(fc.bigInt({ min: 0n, max: 15n }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })), (flags) => {
      expect(show(m.sync(a.fd, flags))).toBe(kernelAnswer(flags));
      if (flags <= BigInt(Number.MAX_SAFE_INTEGER)) expect(show(m.sync(a.fd, Number(flags)))).toBe(kernelAnswer(flags));
    }), { numRuns: 2000 });
  });

  it('refuses a negative or fractional number instead of reading it as flags', () => {
    const m = new ModelBackend();
    const a = m.alloc(system, 4096, 2);
    if (!a.ok) throw new Error('alloc failed');
    expect(show(m.sync(a.fd, -1))).toBe('EINVAL');
    expect(show(m.sync(a.fd, 1.5))).toBe('EINVAL');
    expect(show(m.sync(a.fd, 3))).toBe('ok');
  });

  it('keeps udmabuf\'s END-before-START refusal on both paths', () => {
    for (const end of [5, 5n] as const) {
      const m = new ModelBackend();
      const a = m.alloc(udmabuf, 4096, 2);
      if (!a.ok) throw new Error('alloc failed');
      expect(show(m.sync(a.fd, end))).toBe('EINVAL');
      expect(show(m.sync(a.fd, typeof end === 'number' ? 1 : 1n))).toBe('ok');
      expect(show(m.sync(a.fd, end))).toBe('ok');
    }
  });

  it('answers EBADF for an fd it never handed out, whatever the flags', () => {
    expect(show(new ModelBackend().sync(99, 0x100))).toBe('EBADF');
  });
});
