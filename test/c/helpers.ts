// Shared by the C host's vitest files: building bindings/c once and running its binaries.
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const C_DIR = join(ROOT, 'bindings', 'c');
export const C_BUILD = join(C_DIR, 'build');
export const DRIVER = join(C_BUILD, 'heapwise-c');

let built = false;

/**
 * Runs make in bindings/c under a lock: vitest workers build concurrently and two makes must not
 * write the same objects at once.
 */
export function makeC(targets: string[]): void {
  mkdirSync(C_BUILD, { recursive: true });
  execFileSync('flock', [join(C_BUILD, '.make.lock'), 'make', '-C', C_DIR, '-j2', ...targets], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** make -C bindings/c (library, driver, policy .so files); once per worker. */
export function buildC(): void {
  if (built) return;
  execFileSync(join(C_DIR, 'deps.sh'), { stdio: 'inherit' });
  makeC(['all', 'policies']);
  built = true;
}

export function runDriver(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(DRIVER, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}
