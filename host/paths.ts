// Where the package's own files are, whether running from source, from dist/ or installed.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | null = null;

/** The heapwise package root (the directory of its package.json). */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        if (JSON.parse(readFileSync(pj, 'utf8')).name === 'heapwise') return (root = dir);
      } catch { /* keep looking */ }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the heapwise package root above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

/** Built-in policy modules shipped with the package. */
export const BUILTIN_POLICIES = ['default', 'naive', 'android-compat', 'libcamera-compat', 'vendor-secure-video'] as const;

/** Path of a built-in policy's .wasm (policies/<name>/build/<name>.wasm). */
export function builtinPolicyPath(name: string): string {
  return join(packageRoot(), 'policies', name, 'build', `${name}.wasm`);
}
