// The engine's share of a real buffer cycle, measured inside the real-kernel VM
// (scripts/vm/run.mjs, Debian's 6.12 kernel: it has the system heap). The guest gets two
// programs through the command script itself (run.mjs adds only /command.sh to the image):
// the static C program bench/vm/cycle.c (gzip + base64) and bench/vm/node-cycle.ts bundled by
// esbuild (run in /app, next to the addon and the runtime node_modules).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const SIZES = [4096, 1 << 20, 8 << 20];

/** Why the VM part cannot run here, or null when the harness and its artifacts are ready. */
export async function vmUnavailable(root) {
  if (!existsSync(join(root, 'scripts/vm/run.mjs'))) return 'scripts/vm/run.mjs is missing';
  const vm = await import(join(root, 'scripts/vm/run.mjs'));
  try {
    vm.kernelImage('debian');
  } catch (e) {
    return `${e.message} (run: bash scripts/vm/prepare.sh)`;
  }
  if (spawnSync('sh', ['-c', 'command -v qemu-system-x86_64']).status !== 0) return 'qemu-system-x86_64 is not installed (run: bash scripts/vm/prepare.sh)';
  if (!existsSync(join(root, 'bindings/node/build/Release/heapwise.node'))) return 'the Node addon is not built (run: bash scripts/vm/prepare.sh)';
  return null;
}

function build(root, out) {
  mkdirSync(out, { recursive: true });
  const cycle = join(out, 'cycle');
  const cc = spawnSync('cc', ['-O2', '-std=gnu11', '-D_GNU_SOURCE', '-Wall', '-static', '-s', `-I${join(root, 'bindings/c/include')}`,
    '-o', cycle, join(root, 'bench/vm/cycle.c'), join(root, 'bindings/c/build/libheapwise.a'), '-ljansson', '-ldl', '-lpthread', '-lm'], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`building bench/vm/cycle.c failed:\n${cc.stderr}`);
  const node = join(out, 'node-cycle.mjs');
  const es = spawnSync(join(root, 'node_modules/.bin/esbuild'), [join(root, 'bench/vm/node-cycle.ts'), '--bundle', '--packages=external',
    '--format=esm', '--platform=node', '--target=node20', `--outfile=${node}`, '--log-level=warning'], { encoding: 'utf8' });
  if (es.status !== 0) throw new Error(`bundling bench/vm/node-cycle.ts failed:\n${es.stderr}`);
  return { cycle, node };
}

/** The guest's script: unpack both programs, run them, mark where each part starts. */
function guestCommand(programs, iterations) {
  const b64 = gzipSync(readFileSync(programs.cycle), { level: 9 }).toString('base64').replace(/.{1,76}/g, '$&\n');
  const js = readFileSync(programs.node, 'utf8');
  if (js.includes('\nHEAPWISE_BENCH_JS_END\n')) throw new Error('node-cycle bundle contains the heredoc marker');
  const sizes = SIZES.join(' ');
  return [
    'base64 -d > /tmp/cycle.gz <<\'HEAPWISE_BENCH_B64_END\'', b64 + 'HEAPWISE_BENCH_B64_END',
    'gunzip /tmp/cycle.gz && chmod +x /tmp/cycle',
    'cat > /app/bench-node-cycle.mjs <<\'HEAPWISE_BENCH_JS_END\'', js + 'HEAPWISE_BENCH_JS_END',
    'status=0',
    // A program that crashes runs once more (its measurements are kept only from a whole run);
    // the crash is reported either way (BENCH_VM_RETRY), never hidden.
    'measure() { name=$1; shift; "$@" > /tmp/out.txt 2>&1; s=$?; if [ $s = 0 ]; then cat /tmp/out.txt; return; fi',
    '  echo "BENCH_VM_RETRY $name $s"; tail -5 /tmp/out.txt | sed "s/^/BENCH_VM_CRASH_OUT /"',
    '  "$@" > /tmp/out.txt 2>&1; s=$?; cat /tmp/out.txt; [ $s = 0 ] || { echo "BENCH_VM_FAIL $name $s"; status=1; }; }',
    `measure c /tmp/cycle ${sizes} --iterations ${iterations}`,
    // Node pinned to one vCPU, as test/kernel does: multi-threaded TCG corrupts code V8 patches
    // while another vCPU runs it (bench/README, "A crash seen in the VM").
    `measure node taskset 1 node /app/bench-node-cycle.mjs ${sizes} --iterations ${iterations}`,
    'exit $status',
  ].join('\n');
}

/**
 * Runs the cycle in the VM. Returns { rows, kernel, bootMs, durationMs, failures, retried } or throws
 * when the guest could not run the programs at all.
 */
export async function runVmCycles(root, buildDir, { quick }) {
  const { runInVm } = await import(join(root, 'scripts/vm/run.mjs'));
  const programs = build(root, join(buildDir, 'vm'));
  const iterations = quick ? 12 : 80;
  const r = await runInVm({ kernel: 'debian', command: guestCommand(programs, iterations), timeoutMs: quick ? 150_000 : 900_000 });
  const rows = [...r.output.matchAll(/^BENCH_VM (\{.*\})\s*$/gm)].map((m) => JSON.parse(m[1]));
  // The same programs on this machine, without TCG: the engine alone, and the proxy cycle. Cheap
  // here, so more cycles than the guest affords, and three processes of each: per row the one
  // with the median p50 (this machine has phases twice as slow; one process may sit in one).
  const hostIterations = quick ? 100 : 400;
  const hostRows = [];
  for (let run = 0; run < 3; run++) {
    const hostRuns = [
      spawnSync(programs.cycle, [...SIZES.map(String), '--iterations', String(hostIterations), '--host'], { encoding: 'utf8' }),
      spawnSync(process.execPath, [programs.node, ...SIZES.map(String), '--iterations', String(hostIterations), '--model-only'], { encoding: 'utf8', cwd: root }),
    ];
    for (const h of hostRuns) {
      if (h.status !== 0) throw new Error(`the cycle programs failed on the host: ${h.stderr}`);
      hostRows.push(...[...h.stdout.matchAll(/^BENCH_VM (\{.*\})\s*$/gm)].map((m) => JSON.parse(m[1])));
    }
  }
  rows.push(...medianRows(hostRows));
  const failures = [...r.output.matchAll(/^BENCH_VM_FAIL (\w+) (\d+)/gm)].map((m) => `${m[1]} exited ${m[2]}`);
  const retried = [...r.output.matchAll(/^BENCH_VM_RETRY (\w+) (\d+)/gm)].map((m) => `${m[1]} exited ${m[2]} and ran again`);
  if (r.timedOut) failures.push('the VM timed out');
  if (rows.length === 0) {
    const tail = r.output.split('\n').slice(-25).join('\n');
    throw new Error(`the VM produced no measurements (guest exit ${r.exitCode}, ${r.timedOut ? 'timed out' : 'not timed out'}):\n${tail}`);
  }
  return { rows, kernel: r.kernelVersion, bootMs: r.bootMs, durationMs: r.durationMs, iterations, hostIterations, failures, retried };
}

/** Of rows measuring the same (host, size, way) in several processes, the one with the median p50. */
function medianRows(rows) {
  const groups = new Map();
  for (const r of rows) {
    const k = `${r.host} ${r.size} ${r.way}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(r);
  }
  return [...groups.values()].map((g) => g.sort((a, b) => a.p50 - b.p50)[Math.floor(g.length / 2)]);
}

/** Per host and size: the engine's share of a real cycle, three ways (see the README section). */
export function summarize(rows) {
  const out = [];
  const find = (host, where, size, way) => rows.find((r) => r.host === host && (r.where ?? 'guest') === where && r.size === size && r.way === way);
  for (const host of ['c', 'node']) {
    for (const size of SIZES) {
      const raw = find(host, 'guest', size, 'raw'), engine = find(host, 'guest', size, 'engine'), model = find(host, 'guest', size, 'model');
      if (!raw || !engine || !model) continue;
      // Without TCG: the engine alone on this machine against the proxy cycle on this machine,
      // scaled by how the real cycle compares with the proxy in the guest.
      const proxyGuest = find('c', 'guest', size, 'proxy'), proxyHost = find('c', 'host', size, 'proxy'), modelHost = find(host, 'host', size, 'model');
      const realOnHost = proxyGuest && proxyHost ? proxyHost.p50 * (find('c', 'guest', size, 'raw').p50 / proxyGuest.p50) : null;
      out.push({
        host, size, rawNs: raw.p50, engineNs: engine.p50, modelNs: model.p50, cycles: raw.cycles,
        // What the engine's own work (decisions, bookkeeping) costs against the real cycle, in the guest.
        engineShare: model.p50 / raw.p50,
        // The whole engine cycle against the raw one (noisier: a difference of two TCG timings).
        engineOverRaw: engine.p50 / raw.p50 - 1,
        // The engine alone on this machine (no TCG) against the estimated real cycle on this machine.
        hostModelNs: modelHost?.p50 ?? null,
        hostCycleEstimateNs: realOnHost,
        hostShareEstimate: modelHost && realOnHost ? modelHost.p50 / realOnHost : null,
      });
    }
  }
  return out;
}
