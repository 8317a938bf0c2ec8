// Differential test: the same random operation sequences, bad arguments included, on the model
// backend (host/backend/model.ts) and on the real kernel through KernelBackend; every result and
// errno must agree. Where they differ, the model is what gets fixed.
import assert from 'node:assert/strict';
import { ModelBackend } from '../../../host/backend/model.js';
import { KernelBackend } from '../../../host/backend/kernel.js';
import type { AllocResult, Backend, BackendHeap, IoctlResult } from '../../../host/backend/backend.js';
import { SYSTEM, UDMABUF } from './cases-backend.js';
import { guestCase } from './registry.js';

/** xorshift32: a reproducible sequence from a seed (the seed is printed with any failure). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
}

const O_RDONLY = 0, O_RDWR = 2, O_NONBLOCK = 0o4000, O_CLOEXEC = 0o2000000;
const FD_FLAGS = [O_RDWR | O_CLOEXEC, O_RDWR, O_RDONLY | O_CLOEXEC, O_RDWR | O_NONBLOCK, 0x40000000, 1];
// Sizes stay far below memory: the system heap answers huge requests with the OOM killer.
const LENS: (number | bigint)[] = [0, 1, 4095, 4096, 4097, 65536, 1 << 20, 3 << 20, (1n << 64n) - 1n];
const SYNC_FLAGS = [1, 2, 3, 5, 6, 7, 0, 4, 0x100 | 1, 8, 0x80000000];
const NAMES = ['', 'a', 'frame0', 'x'.repeat(31), 'x'.repeat(32), 'x'.repeat(40)];

type Outcome = string;
/** How each live fd was made (heap and fd flags), for the failure message. */
const origin = new Map<number, string>();
const show = (r: AllocResult | IoctlResult): Outcome => (r === 0 ? 'ok' : 'ok' in r ? (r.ok ? 'ok' : r.code) : r.code);

/** One operation applied to a backend; handles are indexes into that backend's own fd list. */
function step(b: Backend, fds: number[], op: number[], heaps: BackendHeap[]): Outcome {
  const [kind, a, c, d] = op as [number, number, number, number];
  const handle = fds.length ? fds[a % fds.length]! : -1;
  const on = handle < 0 ? 'none' : `buffer ${fds.indexOf(handle)} (${origin.get(handle)})`;
  switch (kind % 6) {
    case 0: {
      const heap = heaps[a % heaps.length]!;
      const r = b.alloc(heap, LENS[c % LENS.length]!, FD_FLAGS[d % FD_FLAGS.length]!, d % 7 === 0 ? 1n : 0n);
      if (r.ok) { fds.push(r.fd); origin.set(r.fd, `${heap.name} 0x${FD_FLAGS[d % FD_FLAGS.length]!.toString(16)}`); }
      return `alloc ${heap.name}: ${show(r)}`;
    }
    case 1: return `sync 0x${SYNC_FLAGS[c % SYNC_FLAGS.length]!.toString(16)} on ${on}: ${show(b.sync(handle, SYNC_FLAGS[c % SYNC_FLAGS.length]!))}`;
    case 2: return `setName "${NAMES[c % NAMES.length]!.slice(0, 8)}"(${NAMES[c % NAMES.length]!.length}) on ${on}: ${show(b.setName(handle, NAMES[c % NAMES.length]!))}`;
    case 3: return `cpu ${(c % 3) + 1} on ${on}: ${show(b.cpuAccess(handle, 4096, (c % 3) + 1, d))}`;
    case 4: {
      const r = b.close(handle);
      if (r === 0) fds.splice(fds.indexOf(handle), 1);
      // A handle closed twice stays in the list for the other backend as well: keep both in step.
      return `close ${on}: ${show(r)}`;
    }
    default: return `sync closed: ${show(b.sync(-1, 3))}`;
  }
}

guestCase('differential: 1,200 random operations (bad ones included) agree on the model and the real kernel', () => {
  const heaps = [SYSTEM, UDMABUF];
  let ops = 0;
  for (const seed of [1, 7, 42, 1234]) {
    const next = rng(seed);
    const model = new ModelBackend();
    const kernel = new KernelBackend();
    const mfds: number[] = [];
    const kfds: number[] = [];
    try {
      for (let i = 0; i < 300; i++, ops++) {
        const op = [next(), next(), next(), next()];
        const m = step(model, mfds, op, heaps);
        const k = step(kernel, kfds, op, heaps);
        assert.equal(m, k, `seed ${seed}, operation ${i}: model says "${m}", kernel says "${k}"`);
        assert.equal(mfds.length, kfds.length, `seed ${seed}, operation ${i}: live buffer counts differ`);
      }
    } finally {
      model.dispose();
      kernel.dispose();
    }
  }
  return `${ops} operations, 4 seeds`;
});
