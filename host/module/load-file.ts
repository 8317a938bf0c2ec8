// Loading a policy from a path or a built-in name, with errors that name the file.
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import { BUILTIN_POLICIES, builtinPolicyPath } from '../paths.js';
import { LOG_IMPORTS, PolicyModule, type LoadOptions, type ModuleReport } from './policy-module.js';
import { loadManifestFile, manifestPathFor, type Manifest } from './manifest.js';
import { readSections } from './sections.js';

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
    // A bare name that is no file was most likely meant as a built-in policy: list them.
    if (code === 'ENOENT' && !/[/\\]/.test(path) && !path.toLowerCase().endsWith('.wasm')) {
      throw new InputError(path, '', `cannot read policy module: not a file, and not a built-in policy (${BUILTIN_POLICIES.join(', ')}; NAME.debug for a debug build)`);
    }
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

/**
 * A debug build: it imports the log sink (wasi fd_write / proc_exit), which the host grants
 * only with the log capability (`--log`). Malformed bytes are no debug build.
 */
export function isDebugBuild(bytes: Uint8Array): boolean {
  try {
    return readSections(bytes).imports.some((i) => `${i.module}.${i.name}` in LOG_IMPORTS);
  } catch {
    return false;
  }
}

export interface PolicyFileReport extends ModuleReport {
  /** A debug build, inspected as loaded with the log capability (accepted means: with --log). */
  debug: boolean;
  /** The manifest applied (beside the module, or the one named), or null. */
  manifest: string | null;
}

/**
 * What loadPolicyFile would do with a module, reported rather than thrown: the same manifest
 * (a bad or mismatching one refuses with the very message loading gives), and a debug build
 * judged as `--log` loads it.
 */
export async function inspectPolicyFile(spec: string | undefined, opts: { manifestPath?: string } = {}): Promise<PolicyFileReport> {
  const path = resolvePolicyPath(spec);
  const bytes = readPolicyBytes(path);
  const mpath = opts.manifestPath ?? manifestPathFor(path);
  let manifest: Manifest | undefined;
  let manifestFault: string | null = null;
  if (mpath) {
    try {
      manifest = loadManifestFile(mpath);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      manifestFault = e.message;
    }
  }
  const debug = isDebugBuild(bytes);
  const report = await PolicyModule.inspect(bytes, { label: path, logCapability: debug, ...(manifest ? { manifest } : {}) });
  // Loading reads the manifest before the module: its fault is the one loading reports.
  if (manifestFault) Object.assign(report, { accepted: false, refusal: manifestFault });
  return { ...report, debug, manifest: mpath };
}
