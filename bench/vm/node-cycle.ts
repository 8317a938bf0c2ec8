// The Node side of the in-VM cycle (see cycle.c for the C side): allocate from the system heap,
// map, bracket one CPU write, touch every page, unmap, close. Three ways in one process:
//   raw     the addon's ioctls by hand;
//   engine  Engine with KernelBackend (the default policy plans the syncs), the mapping by hand;
//   model   the engine's calls alone on ModelBackend: the engine's own work per cycle.
// Bundled by bench/vm/in-vm.mjs and run in the guest's /app (where the addon and the runtime
// node_modules are); --model-only runs the model way alone, on a machine without DMA-BUF heaps.
//   node node-cycle.mjs SIZE... [--iterations N] [--model-only]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KernelBackend } from '../../host/backend/kernel.js';
import { ModelBackend } from '../../host/backend/model.js';
import { Engine } from '../../host/engine/engine.js';
import { loadAddon } from '../../host/kernel/addon.js';
import { PolicyModule } from '../../host/module/policy-module.js';
import { parsePlatform } from '../../host/platform/parse.js';

const argv = process.argv.slice(2);
const iterations = Number(argv[argv.indexOf('--iterations') + 1] ?? 50) || 50;
const sizes = argv.filter((a, i) => /^\d+$/.test(a) && argv[i - 1] !== '--iterations').map(Number);

const modelOnly = argv.includes('--model-only');
const addon = loadAddon();
const C = addon.constants;
const PAGE = C.PAGE_SIZE;
const platform = parsePlatform({
  name: 'vm-system-heap',
  heaps: [{ name: 'system' }],
  devices: [{ name: 'display', dmaMaskBits: 32, iommu: true, coherent: false }],
});
const mod = await PolicyModule.compile(readFileSync(join(process.cwd(), 'policies/default/build/default.wasm')), { label: 'default' });
const kernel = modelOnly ? null : Engine.create(mod, platform, { backend: new KernelBackend(addon), fallback: null });
const model = Engine.create(mod, platform, { backend: new ModelBackend(), fallback: null });
const heapFd = modelOnly ? -1 : addon.openHeap('system');

// Step boundaries of the cycle being timed (same steps as cycle.c). With `stepping` off only the
// first and last marks are taken: on this machine (--model-only) the whole-cycle times come from
// cycles without the five step marks (~55 ns each here, ~8 % of the engine's cycle).
const STEPS = 6;
let marks: number[] = [];
let stepping = true;
let markNo = 0;
const mark = () => {
  if (stepping || markNo === 0 || markNo === STEPS) marks.push(performance.now());
  markNo++;
};

function touch(m: { buffer: ArrayBuffer }, size: number): void {
  const bytes = new Uint8Array(m.buffer);
  for (let o = 0; o < size; o += PAGE) bytes[o] = o & 0xff;
}

// alloc | START | mmap | touch | munmap | END + close
function raw(size: number): void {
  marks = [];
  markNo = 0;
  mark();
  const fd = addon.heapAlloc(heapFd, size, C.O_RDWR | C.O_CLOEXEC);
  mark();
  addon.sync(fd, C.DMA_BUF_SYNC_START | C.DMA_BUF_SYNC_WRITE);
  mark();
  const m = addon.mmap(fd, size, C.PROT_READ | C.PROT_WRITE, C.MAP_SHARED);
  mark();
  touch(m, size);
  mark();
  addon.munmap(m);
  mark();
  addon.sync(fd, C.DMA_BUF_SYNC_END | C.DMA_BUF_SYNC_WRITE);
  addon.close(fd);
  mark();
}

// allocate | cpuBegin | mmap | touch | munmap + cpuEnd | free
function engineCycle(e: Engine, size: number, map: boolean): void {
  marks = [];
  markNo = 0;
  mark();
  const buf = e.allocate({ size, devices: ['display'], cpu: 'write' });
  mark();
  e.cpuBegin(buf, 'write');
  mark();
  const m = map ? addon.mmap(buf.fd!, size, C.PROT_READ | C.PROT_WRITE, C.MAP_SHARED) : null;
  mark();
  if (m) touch(m, size);
  mark();
  if (m) addon.munmap(m);
  e.cpuEnd(buf);
  mark();
  e.free(buf);
  mark();
}

const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)]!;
const report = (way: string, size: number, ns: number[], steps: number[][]) => {
  const s = [...ns].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  const stepP50 = steps[0]!.map((_, k) => Math.round(median(steps.map((row) => row[k]!))));
  process.stdout.write(`BENCH_VM ${JSON.stringify({ host: 'node', where: modelOnly ? 'host' : 'guest', way, size, cycles: s.length, p50: at(0.5), p90: at(0.9), min: s[0], mean, steps: stepP50 })}\n`);
};

// Warm the engine paths up on the model before timing anything, until the optimizing tier has
// them: a few hundred cycles is what TCG affords in the guest; on this machine (--model-only,
// the steady-state estimate) tens of thousands cost well under a second.
const warmup = modelOnly ? 20_000 : 300;
for (let w = 0; w < warmup; w++) engineCycle(model, 4096, false);
const ways = modelOnly ? (['model'] as const) : (['raw', 'engine', 'model'] as const);
for (const size of sizes) {
  const n = size >= 4 << 20 ? Math.ceil(iterations / 4) : iterations;
  for (let w = 0; w < 3; w++) {
    if (kernel) { raw(size); engineCycle(kernel, size, true); }
    engineCycle(model, size, false);
  }
  const ns: Record<string, number[]> = { raw: [], engine: [], model: [] };
  const steps: Record<string, number[][]> = { raw: [], engine: [], model: [] };
  if (modelOnly) {
    // On this machine nothing else runs between the model's cycles, while a real cycle writes
    // the whole buffer (the kernel zeroes its pages) and so evicts the engine's data from the
    // caches, as cycle.c's proxy cycle does before each of its model cycles: an untimed write of
    // every cache line of a buffer this size, before each cycle, stands in for it, so both
    // hosts' estimates time the engine as a real cycle leaves it. Cycles alternate between
    // timed whole (no step marks) and timed step by step.
    const scratch = new Uint8Array(size);
    for (let i = 0; i < 2 * n; i++) {
      for (let o = 0; o < size; o += 64) scratch[o] = (scratch[o]! + 1) & 0xff;
      stepping = (i & 1) === 1;
      engineCycle(model, size, false);
      if (stepping) steps.model!.push(marks.slice(1).map((t, j) => (t - marks[j]!) * 1e6));
      else ns.model!.push((marks[marks.length - 1]! - marks[0]!) * 1e6);
    }
  } else {
    // Interleaved cycle by cycle, the order rotating: the three ways see the same guest noise
    // and none always follows another's free.
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < ways.length; k++) {
        const way = ways[(i + k) % ways.length]!;
        if (way === 'raw') raw(size);
        else engineCycle(way === 'engine' ? kernel! : model, size, way === 'engine');
        ns[way]!.push((marks[marks.length - 1]! - marks[0]!) * 1e6);
        steps[way]!.push(marks.slice(1).map((t, j) => (t - marks[j]!) * 1e6));
      }
    }
  }
  for (const way of ways) report(way, size, ns[way]!, steps[way]!);
}
kernel?.dispose();
model.dispose();
if (heapFd >= 0) addon.close(heapFd);
