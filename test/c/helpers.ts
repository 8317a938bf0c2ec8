// Shared by the C host's vitest files: building bindings/c once and running its binaries.
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const C_DIR = join(ROOT, 'bindings', 'c');
export const C_BUILD = join(C_DIR, 'build');
export const DRIVER = join(C_BUILD, 'heapwise-c');

let built = false;

/** make -C bindings/c (library, driver, policy .so files); once per worker. */
export function buildC(): void {
  if (built) return;
  execFileSync(join(C_DIR, 'deps.sh'), { stdio: 'inherit' });
  execFileSync('make', ['-C', C_DIR, '-j2', 'all', 'policies'], { stdio: ['ignore', 'ignore', 'inherit'] });
  built = true;
}

export function runDriver(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(DRIVER, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}
