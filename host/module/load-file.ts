// Loading a policy from a path or a built-in name, with errors that name the file.
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import { BUILTIN_POLICIES, builtinPolicyPath } from '../paths.js';
import { PolicyModule, type LoadOptions } from './policy-module.js';
import { loadManifestFile, manifestPathFor } from './manifest.js';

/** Resolves "default", "naive" or a path to the .wasm file it means. */
export function resolvePolicyPath(spec: string | undefined): string {
  if (!spec) return builtinPolicyPath('default');
  if ((BUILTIN_POLICIES as readonly string[]).includes(spec)) return builtinPolicyPath(spec);
  const debug = /^(.+)\.debug$/.exec(spec);
  if (debug && (BUILTIN_POLICIES as readonly string[]).includes(debug[1]!)) return builtinPolicyPath(debug[1]!).replace(/\.wasm$/, '.debug.wasm');
  return spec;
}

export function readPolicyBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const hint = code === 'ENOENT' && path.includes('/policies/') ? ' (run npm run build)' : '';
    throw new InputError(path, '', `cannot read policy module: ${code ?? (e as Error).message}${hint}`);
  }
}

/**
 * Reads and compiles a policy module (a built-in name or a path). The manifest beside it
 * (X.manifest.json) is enforced when present; `manifest` names another one.
 */
export async function loadPolicyFile(spec: string | undefined, opts: LoadOptions & { manifestPath?: string } = {}): Promise<PolicyModule> {
  const path = resolvePolicyPath(spec);
  const mpath = opts.manifestPath ?? manifestPathFor(path);
  const manifest = opts.manifest ?? (mpath ? loadManifestFile(mpath) : undefined);
  const { manifestPath: _m, ...rest } = opts;
  return PolicyModule.compile(readPolicyBytes(path), { label: path, ...rest, ...(manifest ? { manifest } : {}) });
}
