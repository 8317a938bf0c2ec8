// The machine a run measured: every result file carries it, since only ratios travel.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import { join } from 'node:path';

function cpuModel() {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) return line.split(':').slice(1).join(':').trim();
  } catch {
    // Not Linux: fall back to what Node reports.
  }
  return cpus()[0]?.model ?? 'unknown';
}

function denoVersion(root) {
  const r = spawnSync(join(root, 'node_modules/.bin/deno'), ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0].replace(/^deno\s+/, '').split(' ')[0] : null;
}

function git(root, args) {
  const r = spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

export function machine(root) {
  return {
    cpu: cpuModel(),
    cores: cpus().length,
    node: process.version,
    deno: denoVersion(root),
    kernel: release(),
    loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
    commit: git(root, ['rev-parse', '--short', 'HEAD']),
    dirtyTree: (git(root, ['status', '--porcelain']) ?? '') !== '',
  };
}

/** One line for the README and the tables. */
export function machineLine(m) {
  return `${m.cpu}, ${m.cores} cores, Linux ${m.kernel}, Node ${m.node}, Deno ${m.deno ?? 'n/a'}` +
    ` (load average ${m.loadAverageAtStart[0]} at start)`;
}
