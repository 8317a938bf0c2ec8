/// <reference lib="deno.ns" />
// The Deno kernel backend: its contract with the engine (against a fake shim, so it runs
// anywhere), the errors when libheapwise.so or the FFI permission is missing, and, once the
// library is built, a clean ENOENT where the kernel has no /dev/dma_heap (this container).
import assert from 'node:assert/strict';
import {
  abi, type BackendHeap, CPU_READ, CPU_WRITE, defaultLibraryPath, Engine, KernelBackend, KernelLibraryError,
  loadPolicyFile, loadWorkloadFile, openKernelShim, simulate,
} from '../../bindings/deno/mod.ts';
import { at, DEFAULT_POLICY, ensurePolicies } from './checkout.ts';
import { FakeKernelShim } from './fixtures/fake_kernel_shim.ts';
import { kernelHeaps } from './kernel_heaps.ts';

await ensurePolicies();

const SYSTEM: BackendHeap = { name: 'system', kind: abi.HeapKind.SYSTEM, size: 0, cpuAccess: true };
const CMA: BackendHeap = { name: 'linux,cma', kind: abi.HeapKind.CMA, size: 0, cpuAccess: true };
const UDMABUF: BackendHeap = { name: 'udmabuf', kind: abi.HeapKind.UDMABUF, size: 0, cpuAccess: true };
const RW_CLOEXEC = 0o2000002;
const SYNC_START_RW = 3n;
const STALE_READ = at('test/deno/fixtures/workloads/stale-read.json');

function allocated(r: ReturnType<KernelBackend['alloc']>): number {
  if (!r.ok) assert.fail(`alloc failed: ${r.code}`);
  return r.fd;
}

Deno.test('kernel backend: each heap is opened once and cached; dispose closes buffers, then heap fds', () => {
  const shim = new FakeKernelShim(['system', 'linux,cma']);
  const b = new KernelBackend({ shim });
  const one = allocated(b.alloc(SYSTEM, 4096, RW_CLOEXEC));
  const two = allocated(b.alloc(SYSTEM, 8192, RW_CLOEXEC));
  const three = allocated(b.alloc(CMA, 4096, RW_CLOEXEC));
  assert.deepEqual(shim.calls.filter((c) => c.startsWith('openHeap')), ['openHeap system', 'openHeap linux,cma']);
  const heapFds = [...shim.open].filter(([, v]) => 'heap' in v).map(([fd]) => fd);
  assert.equal(heapFds.length, 2);
  assert.equal(b.close(one), 0);
  assert.equal(b.openBuffers, 2);
  shim.calls.length = 0;
  b.dispose();
  assert.deepEqual(shim.calls, [`close ${two}`, `close ${three}`, ...heapFds.map((fd) => `close ${fd}`)]);
  assert.equal(shim.open.size, 0);
  assert.equal(shim.unloaded, false, 'an injected shim belongs to the caller');
  b.dispose();
  assert.throws(() => b.alloc(SYSTEM, 4096, RW_CLOEXEC), /KernelBackend\.alloc: backend already disposed/);
});

Deno.test('kernel backend: -errno from the shim comes back as an Errno value with its name', () => {
  const shim = new FakeKernelShim(['system']);
  const b = new KernelBackend({ shim });
  assert.deepEqual(b.alloc({ ...SYSTEM, name: 'no-such-heap' }, 4096, RW_CLOEXEC), { ok: false, errno: 2, code: 'ENOENT' });
  assert.deepEqual(b.alloc({ ...SYSTEM, name: 'no-such-heap' }, 4096, RW_CLOEXEC), { ok: false, errno: 2, code: 'ENOENT' });
  assert.equal(shim.calls.filter((c) => c === 'openHeap no-such-heap').length, 2, 'a failed open is retried, not cached');
  shim.failNext = { op: 'heapAlloc', errno: 12 };
  assert.deepEqual(b.alloc(SYSTEM, 4096, RW_CLOEXEC), { ok: false, errno: 12, code: 'ENOMEM' });
  const fd = allocated(b.alloc(SYSTEM, 4096, RW_CLOEXEC));
  shim.failNext = { op: 'sync', errno: 22 };
  assert.deepEqual(b.sync(fd, SYNC_START_RW), { errno: 22, code: 'EINVAL' });
  shim.failNext = { op: 'sync', errno: 95 };
  assert.deepEqual(b.sync(fd, SYNC_START_RW), { errno: 95, code: 'errno 95' });
  assert.equal(b.sync(fd, SYNC_START_RW), 0);
  assert.deepEqual(b.setName(fd, 'z'.repeat(40)), { errno: 22, code: 'EINVAL' });
  assert.equal(b.setName(fd, 'ok-name'), 0);
  b.dispose();
});

Deno.test('kernel backend: an fd it does not own is EBADF and never reaches the shim; close happens once', () => {
  const shim = new FakeKernelShim();
  const b = new KernelBackend({ shim });
  const fd = allocated(b.alloc(SYSTEM, 4096, RW_CLOEXEC));
  shim.calls.length = 0;
  assert.deepEqual(b.sync(fd + 100, SYNC_START_RW), { errno: 9, code: 'EBADF' });
  assert.deepEqual(b.setName(fd + 100, 'x'), { errno: 9, code: 'EBADF' });
  assert.deepEqual(b.cpuAccess(fd + 100, 4096, CPU_READ, 1), { errno: 9, code: 'EBADF' });
  assert.deepEqual(b.close(fd + 100), { errno: 9, code: 'EBADF' });
  assert.deepEqual(shim.calls, []);
  assert.equal(b.close(fd), 0);
  assert.deepEqual(b.close(fd), { errno: 9, code: 'EBADF' });
  assert.deepEqual(shim.calls, [`close ${fd}`]);
  b.dispose();
});

Deno.test('kernel backend: cpuAccess verifies the last write, then writes the new stamp', () => {
  const shim = new FakeKernelShim();
  const b = new KernelBackend({ shim });
  const fd = allocated(b.alloc(SYSTEM, 65536, RW_CLOEXEC));
  shim.calls.length = 0;
  assert.equal(b.cpuAccess(fd, 65536, CPU_READ, 7), 0, 'a fresh buffer reads as the zero fill (stamp 0)');
  assert.equal(b.cpuAccess(fd, 65536, CPU_WRITE, 41), 0);
  assert.equal(b.cpuAccess(fd, 65536, CPU_READ, 0), 0, 'stamp 41 reads back, whatever stamp the read is given');
  assert.equal(b.cpuAccess(fd, 65536, CPU_READ | CPU_WRITE, 42), 0);
  assert.deepEqual(shim.calls, [
    `cpuAccess ${fd} 65536 1 0`, `cpuAccess ${fd} 65536 2 41`, `cpuAccess ${fd} 65536 1 41`,
    `cpuAccess ${fd} 65536 1 41`, `cpuAccess ${fd} 65536 2 42`,
  ]);
  shim.corrupt(fd);
  shim.calls.length = 0;
  assert.deepEqual(b.cpuAccess(fd, 65536, CPU_READ | CPU_WRITE, 43), { errno: 74, code: 'EBADMSG' });
  assert.deepEqual(shim.calls, [`cpuAccess ${fd} 65536 1 42`], 'no write after a failed verify');
  assert.equal(b.cpuAccess(fd, 65536, CPU_WRITE, 44), 0, 'a new write replaces the pattern');
  assert.equal(b.cpuAccess(fd, 65536, CPU_READ, 0), 0);
  b.dispose();
});

Deno.test('kernel backend: udmabuf takes exact sizes and refuses flags it does not have', () => {
  const shim = new FakeKernelShim();
  const b = new KernelBackend({ shim });
  assert.deepEqual(b.alloc(UDMABUF, 4096, RW_CLOEXEC, 1n), { ok: false, errno: 22, code: 'EINVAL' });
  assert.deepEqual(b.alloc(UDMABUF, 4096, RW_CLOEXEC | 0o4000), { ok: false, errno: 22, code: 'EINVAL' });
  assert.equal(shim.calls.length, 0, 'refused before the kernel is asked');
  assert.deepEqual(b.alloc(UDMABUF, 4097, RW_CLOEXEC), { ok: false, errno: 22, code: 'EINVAL' });
  const fd = allocated(b.alloc(UDMABUF, 8 * 4096, RW_CLOEXEC));
  assert.equal(b.usage(UDMABUF), 8 * 4096);
  assert.ok(!shim.calls.some((c) => c.startsWith('openHeap')), 'udmabuf is not a /dev/dma_heap node');
  assert.equal(b.close(fd), 0);
  assert.equal(b.usage(UDMABUF), 0);
  b.dispose();
});

Deno.test('kernel backend: lengths and flags the u64 / u32 parameters cannot carry are EINVAL, without a call', () => {
  const shim = new FakeKernelShim();
  const b = new KernelBackend({ shim });
  const EINVAL = { ok: false, errno: 22, code: 'EINVAL' };
  assert.deepEqual(b.alloc(SYSTEM, -1, RW_CLOEXEC), EINVAL);
  assert.deepEqual(b.alloc(SYSTEM, 1n << 64n, RW_CLOEXEC), EINVAL);
  assert.deepEqual(b.alloc(SYSTEM, 4096, RW_CLOEXEC, 1n << 64n), EINVAL);
  assert.deepEqual(b.alloc(SYSTEM, 4096, 2 ** 32), EINVAL);
  assert.deepEqual(shim.calls, []);
  assert.throws(() => b.alloc(SYSTEM, 4096, 0.5), TypeError);
  b.dispose();
});

Deno.test('kernel backend: usage counts heap bytes rounded up to the page until close', () => {
  const shim = new FakeKernelShim();
  const b = new KernelBackend({ shim });
  const fd = allocated(b.alloc(SYSTEM, 5000, RW_CLOEXEC));
  assert.equal(b.usage(SYSTEM), 8192);
  assert.equal(b.usage(CMA), 0);
  assert.equal(b.close(fd), 0);
  assert.equal(b.usage(SYSTEM), 0);
  b.dispose();
  const big = new KernelBackend({ shim: new FakeKernelShim(), pageSize: 16384 });
  allocated(big.alloc(SYSTEM, 5000, RW_CLOEXEC));
  assert.equal(big.usage(SYSTEM), 16384);
  big.dispose();
});

Deno.test('kernel backend under the engine: a workload runs as on the model, and nothing stays open', async () => {
  const mod = await loadPolicyFile(DEFAULT_POLICY);
  const workload = loadWorkloadFile(STALE_READ);
  const shim = new FakeKernelShim(workload.platform.heaps.map((h) => h.name));
  const kernel = simulate(workload, mod, { backend: new KernelBackend({ shim }) });
  const model = simulate(workload, mod);
  assert.equal(kernel.backend, 'kernel');
  assert.deepEqual(kernel.violations, []);
  assert.deepEqual({ ...kernel, backend: 'model' }, model);
  assert.ok(shim.calls.some((c) => c.startsWith('cpuAccess')), 'CPU accesses went through the shim');
  assert.equal(shim.open.size, 0, `still open: ${[...shim.open.keys()].join(', ')}`);
});

Deno.test('libheapwise.so missing: the error names the path and the build command', () => {
  const missing = at('bindings/c/build/no-such-libheapwise.so');
  for (const load of [() => openKernelShim(missing), () => new KernelBackend({ library: missing })]) {
    assert.throws(load, (e: Error) => {
      assert.ok(e instanceof KernelLibraryError);
      assert.equal(e.path, missing);
      assert.equal(e.message, `heapwise kernel library not found at ${missing}; build it with: make -C bindings/c`);
      return true;
    });
  }
  assert.equal(defaultLibraryPath(), at('bindings/c/build/libheapwise.so'));
});

Deno.test({
  name: 'without --allow-ffi: the error says which flag the kernel backend needs',
  permissions: { ffi: false, read: true },
  fn() {
    assert.throws(() => new KernelBackend(), (e: Error) => {
      assert.ok(e instanceof KernelLibraryError);
      assert.match(e.message, /^the Deno kernel backend loads .*bindings\/c\/build\/libheapwise\.so through FFI: run deno with --allow-ffi/);
      return true;
    });
  },
});

const offers = kernelHeaps(['system']);

Deno.test({
  name: `libheapwise.so through FFI: ${offers?.has('system') ? 'allocates, syncs, touches and frees on the system heap' : 'no /dev/dma_heap is a clean ENOENT'} (needs make -C bindings/c)`,
  ignore: offers === null,
  fn() {
    const b = new KernelBackend();
    try {
      if (offers!.has('udmabuf')) {
        const fd = allocated(b.alloc(UDMABUF, 8 * 4096, RW_CLOEXEC));
        assert.equal(b.cpuAccess(fd, 8 * 4096, CPU_WRITE, 7), 0);
        assert.equal(b.cpuAccess(fd, 8 * 4096, CPU_READ, 0), 0);
        assert.equal(b.close(fd), 0);
      } else {
        assert.deepEqual(b.alloc(UDMABUF, 4096, RW_CLOEXEC), { ok: false, errno: 2, code: 'ENOENT' });
      }
      if (!offers!.has('system')) {
        assert.deepEqual(b.alloc(SYSTEM, 4096, RW_CLOEXEC), { ok: false, errno: 2, code: 'ENOENT' });
        return;
      }
      const fd = allocated(b.alloc(SYSTEM, 65536, RW_CLOEXEC));
      assert.equal(b.sync(fd, SYNC_START_RW), 0);
      assert.equal(b.cpuAccess(fd, 65536, CPU_READ, 0), 0, 'a fresh buffer reads as the kernel zero fill');
      assert.equal(b.cpuAccess(fd, 65536, CPU_WRITE, 41), 0);
      assert.equal(b.cpuAccess(fd, 65536, CPU_READ | CPU_WRITE, 42), 0);
      assert.equal(b.sync(fd, SYNC_START_RW | 4n), 0);
      assert.equal(b.setName(fd, 'deno-test'), 0);
      assert.equal(b.close(fd), 0);
      assert.equal(b.usage(SYSTEM), 0);
    } finally {
      b.dispose();
    }
  },
});

Deno.test({
  name: 'libheapwise.so under the engine without /dev/dma_heap: the placement fails cleanly, every attempt ENOENT (needs make -C bindings/c)',
  ignore: offers === null || offers.has('system'),
  async fn() {
    const mod = await loadPolicyFile(DEFAULT_POLICY);
    const workload = loadWorkloadFile(STALE_READ);
    const engine = Engine.create(mod, workload.platform, { backend: new KernelBackend() });
    try {
      const d = engine.allocate({ size: 65536, devices: ['gpu'], cpu: 'write' }).decision!;
      assert.equal(d.heap, null);
      assert.ok(d.attempts.length > 0);
      for (const a of d.attempts) assert.deepEqual({ errno: a.errno, code: a.code }, { errno: 2, code: 'ENOENT' });
    } finally {
      engine.dispose();
    }
  },
});
