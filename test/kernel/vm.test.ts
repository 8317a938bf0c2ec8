// Real-kernel tests: boots Debian's 6.12 generic kernel and the small CMA kernel under qemu
// (scripts/vm/), runs the guest suite (test/kernel/guest/) in each, and turns every guest case
// into a vitest test. The VMs boot at collection time (top-level await) because the cases
// are known only once the guest has printed its plan.
// Without qemu or the kernels: skipped with the reason outside CI, a failure under CI=true.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kernelImage, ROOT, runInVm, type RunInVmResult } from '../../scripts/vm/run.mjs';

const CI = process.env.CI === 'true';
const ADDON = join(ROOT, 'bindings', 'node', 'build', 'Release', 'heapwise.node');
const KERNELS = ['debian', 'cma'] as const;
type Kernel = (typeof KERNELS)[number];

interface GuestLine {
  plan?: string[];
  case?: string;
  ok?: boolean;
  error?: string;
  detail?: string;
  ms?: number;
  summary?: { total: number; failed: number; ms: number };
}

/** Why the VM tests cannot run here, or null when they can. */
function missing(): string | null {
  if (spawnSync('qemu-system-x86_64', ['--version']).status !== 0) return 'qemu-system-x86_64 is not installed';
  if (!existsSync(ADDON)) return `the addon is not built (${ADDON})`;
  for (const k of KERNELS) {
    try {
      kernelImage(k);
    } catch (e) {
      return (e as Error).message;
    }
  }
  return null;
}

let reason = missing();
if (reason && !CI) {
  // A developer machine: build what is missing once (cached afterwards; the CMA kernel takes ~6 min).
  console.warn(`[vm.test] ${reason}; running scripts/vm/prepare.sh`);
  const r = spawnSync('bash', [join(ROOT, 'scripts', 'vm', 'prepare.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
  reason = r.status === 0 ? missing() : `scripts/vm/prepare.sh failed (exit ${r.status})`;
}

/** The release each kernel must report: pinned in scripts/vm/versions.sh / built by build-cma-kernel.sh. */
function expectedRelease(k: Kernel): string {
  if (k === 'debian') {
    const pkg = /^KERNEL_IMAGE_PKG="linux-image-([^"]+)"/m.exec(readFileSync(join(ROOT, 'scripts', 'vm', 'versions.sh'), 'utf8'));
    return pkg![1]!;
  }
  return readFileSync(join(dirname(kernelImage('cma')), 'release'), 'utf8').trim();
}

function parse(output: string): GuestLine[] {
  const lines: GuestLine[] = [];
  for (const m of output.matchAll(/\{"(?:plan|case|summary)".*\}/g)) {
    try {
      lines.push(JSON.parse(m[0]) as GuestLine);
    } catch {
      // A line cut by console noise: its case then shows as "no result".
    }
  }
  return lines;
}

const runs = new Map<Kernel, RunInVmResult>();
if (!reason) {
  // One VM at a time: two TCG guests on a 2-core machine only slow each other down.
  // `taskset 1`: Node's threads stay on one vCPU. With V8's JIT threads spread over both vCPUs,
  // multi-threaded TCG corrupts code V8 patches while another vCPU runs it (binaryen.js, which
  // the engine loads for fuel metering, crashed or computed garbage in ~30% of runs; 0 of 18
  // pinned). The kernel itself keeps both CPUs.
  for (const kernel of KERNELS) {
    runs.set(kernel, await runInVm({
      kernel,
      command: `taskset 1 node --expose-gc test/kernel/guest/run.js --kernel ${kernel}`,
      timeoutMs: 480_000,
      memMiB: 1024,
    }));
  }
}

if (reason) {
  describe('real kernel (qemu)', () => {
    if (CI) {
      it('has qemu, both kernels and the addon (run scripts/vm/prepare.sh before the tests)', () => {
        throw new Error(`real-kernel tests cannot run under CI: ${reason}`);
      });
    } else {
      console.warn(`[vm.test] skipping real-kernel tests: ${reason}`);
      it.skip(`real-kernel tests skipped: ${reason}`, () => {});
    }
  });
}

for (const [kernel, run] of runs) {
  const lines = parse(run.output);
  const plan = lines.find((l) => l.plan)?.plan ?? [];
  const results = new Map(lines.filter((l) => l.case).map((l) => [l.case!, l]));
  const summary = lines.find((l) => l.summary)?.summary;
  const tail = run.output.split('\n').slice(-30).join('\n');
  // For the CI log: which kernel ran the suite, and the guest's own counts.
  console.log(`[real kernel] ${kernel}: Linux ${run.kernelVersion ?? '(did not boot)'}, ${summary ? `${summary.total - summary.failed} of ${summary.total} guest cases passed` : 'no summary'}, boot ${run.bootMs ?? '?'} ms, total ${run.durationMs} ms`);

  describe(`real kernel: ${kernel} (${run.kernelVersion ?? 'did not boot'}, boot ${run.bootMs ?? '?'} ms, total ${run.durationMs} ms)`, () => {
    it('boots the expected kernel', () => {
      expect(run.timedOut, `qemu timed out; console tail:\n${tail}`).toBe(false);
      expect(run.kernelVersion).toBe(expectedRelease(kernel));
    });

    it('runs the guest suite to the end: a plan, a result per case, exit 0', () => {
      expect(plan.length, `no plan printed; console tail:\n${tail}`).toBeGreaterThan(0);
      expect(summary, `no summary: the guest died mid-suite; console tail:\n${tail}`).toBeDefined();
      expect(plan.filter((name) => !results.has(name))).toEqual([]);
      expect(run.exitCode, `guest exit status; console tail:\n${tail}`).toBe(0);
    });

    for (const name of plan) {
      it(name, () => {
        const r = results.get(name);
        if (!r) throw new Error(`the guest never reported this case; console tail:\n${tail}`);
        if (!r.ok) throw new Error(r.error ?? 'failed without a message');
      });
    }
  });
}
