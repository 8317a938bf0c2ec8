// Running the real CLI (bin/heapwise.js over dist/) as a user would.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './modules.js';

export interface CliResult { code: number; stdout: string; stderr: string }

export function heapwise(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/heapwise.js'), ...args], { cwd: opts.cwd ?? ROOT, encoding: 'utf8', env: { ...process.env, ...opts.env }, timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
