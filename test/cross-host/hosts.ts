// The three hosts as the cross-host test drives them, on one scenario at a time:
//   Node: in this process (session.ts)
//   Deno: node_modules/.bin/deno on deno-host.ts, several jobs per process
//   C:    the driver bindings/c/build/heapwise-c, run in the work directory so that module labels
//         are file names, as they are for the other two (session.ts labels modules by file name)
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { recordSession, replayTrace, type SessionSpec } from './session.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const DRIVER = join(ROOT, 'bindings', 'c', 'build', 'heapwise-c');
const DENO = join(ROOT, 'node_modules', '.bin', 'deno');
const DENO_HOST = join(ROOT, 'test', 'cross-host', 'deno-host.ts');

export type Host = 'node' | 'deno' | 'c';
export const HOSTS: Host[] = ['node', 'deno', 'c'];

/** A session every host records: the workload, the policy and its limits, the fallback. */
export interface Scenario {
  workload: string;
  /** The .wasm Node and Deno load. */
  policy: string;
  /** What the C driver loads: "default" (the built-in) or a .so file name in the work directory. */
  cPolicy: string;
  fuel?: number;
  log?: boolean;
  /** The default policy takes over after a fault. */
  fallback?: boolean;
  /** Written beside `policy` and `cPolicy` while recording, removed before any replay. */
  manifest?: Record<string, unknown>;
}

export const DEFAULT_WASM = join(ROOT, 'policies', 'default', 'build', 'default.wasm');

export interface ReplayResult {
  identical: boolean;
  events: number;
  divergence: unknown;
}

const spec = (s: Scenario): Omit<SessionSpec, 'host'> => ({
  workload: s.workload, policy: s.policy, ...(s.fuel ? { fuel: s.fuel } : {}), ...(s.log ? { log: true } : {}),
  ...(s.fallback ? { fallback: DEFAULT_WASM } : {}),
});

function run(cmd: string, args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 300_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export async function nodeRecord(s: Scenario, out: string): Promise<void> {
  const lines = await recordSession({ ...spec(s), host: 'node' });
  writeFileSync(out, `${lines.join('\n')}\n`);
}

/** Records every job in one Deno process. */
export function denoRecord(jobs: { scenario: Scenario; out: string }[], work: string): void {
  const file = join(work, `deno-jobs-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(jobs.map((j) => ({ spec: { ...spec(j.scenario), host: 'deno' }, out: j.out }))));
  const r = run(DENO, ['run', '--sloppy-imports', '--allow-read', '--allow-write', DENO_HOST, 'record', file], work);
  if (r.status !== 0) throw new Error(`deno record failed (${r.status}):\n${r.stderr}`);
}

export function cRecord(s: Scenario, out: string, work: string): void {
  const args = ['--workload', s.workload, '--policy', s.cPolicy, '--record', out, '--trace-policy-path', ''];
  if (s.fuel) args.push('--fuel', String(s.fuel));
  if (s.log) args.push('--log');
  if (s.fallback) args.push('--fallback', 'default');
  const r = run(DRIVER, args, work);
  if (r.status !== 0) throw new Error(`heapwise-c ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
}

export async function nodeReplay(trace: string): Promise<ReplayResult> {
  return replayTrace(trace);
}

/** Replays every trace in one Deno process. */
export function denoReplay(traces: string[], work: string): Record<string, ReplayResult> {
  const r = run(DENO, ['run', '--sloppy-imports', '--allow-read', '--allow-write', DENO_HOST, 'replay', ...traces], work);
  if (r.status !== 0) throw new Error(`deno replay failed (${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, ReplayResult>;
}

export function cReplay(s: Scenario, trace: string, work: string): ReplayResult {
  const r = run(DRIVER, ['--replay', trace, '--policy', s.cPolicy, ...(s.log ? ['--log'] : [])], work);
  const m = /^identical: (\d+) events$/m.exec(r.stdout);
  if (r.status !== 0 && r.status !== 5) throw new Error(`heapwise-c --replay ${basename(trace)} failed (${r.status}):\n${r.stdout}${r.stderr}`);
  return { identical: r.status === 0, events: m ? Number(m[1]) : -1, divergence: r.status === 0 ? null : r.stdout };
}

export function linesOf(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
}

/**
 * A trace with what is each host's own taken out: the header's host, the module label and the
 * engine's words in a fault message (kinds and indexes stay), the module path in a swap line
 * (each host names its own file: a .wasm, a .so, null for C's built-in).
 */
export function hostNeutral(lines: string[]): string[] {
  return lines.map((l) => {
    if (l.startsWith('{"t":"header"')) return l.replace(/"host":"(node|deno|c)"/, '"host":"*"');
    if (l.startsWith('{"t":"fault"')) {
      return l.replace(/"message":"policy module .*?: (hw_\w+ |answered |ALLOC )/, '"message":"policy module *: $1').replace(/ trapped: [^"]*"\}$/, ' trapped: *"}');
    }
    if (l.startsWith('{"t":"swap"')) return l.replace(/"path":(null|"[^"]*")(,"manifest":|\}\}$)/, '"path":"*"$2');
    return l;
  });
}
