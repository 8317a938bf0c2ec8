// The C sources of one policy image (bindings/c/src/policy_image.h), shared by `heapwise compile`
// and the C library's Makefile (through bindings/c/tools/prepare-image.mjs):
//
//   module.wasm      the module as given: the C loader repeats the section checks on it and
//                    hashes it (the sha256 a manifest pins is the one of these bytes)
//   instrumented.wasm the module fuel-instrumented exactly as the Node host runs it
//                    (PolicyModule.instrumented), so fuel runs out at the same point in every host
//   policy.c/.h      wasm2c of the instrumented module (module name "policy")
//   image_shape.h    what policy_glue.c must know about this module's generated C: how
//                    Z_policy_instantiate takes the imported modules, whether there is a start
//                    function (hw_start) and an _initialize to call, the sha256 and the path of
//                    module.wasm to embed
//
// `checked` runs the Node loader's checks first (sections, manifest pin, an instance for the ABI
// version, identity and regions): what `heapwise compile` does. Unchecked sources are only for
// test fixtures the C loader itself must refuse (a module `heapwise compile` would never build).
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, HeapwiseError, InputError, PolicyRefusedError } from '../errors.js';
import { FUEL_INSTRUMENTATION, instrumentFuel } from '../module/fuel.js';
import { PolicyInstance } from '../module/instance.js';
import { loadManifestFile, manifestPathFor, type Manifest } from '../module/manifest.js';
import { LOG_IMPORTS, PolicyModule } from '../module/policy-module.js';
import { readSections, WasmFormatError } from '../module/sections.js';

/** The toolchain is missing or failed; the message names the file and the tool. */
export class CompileError extends HeapwiseError {
  override readonly exitCode = EXIT.INTERNAL;
  constructor(message: string) {
    super(message);
    this.name = 'CompileError';
  }
}

export interface ImageSourceOptions {
  /** Run the Node loader's checks first (default true). */
  checked?: boolean;
  /** wasm2c from Debian's wabt (default "wasm2c"). */
  wasm2c?: string;
  /** Memory cap the module is checked against (default 16 MiB, as the loaders). */
  memoryCapBytes?: number;
  /** Manifest to check the module against (default: X.manifest.json beside X.wasm, if any). */
  manifestPath?: string;
}

export interface ImageSources {
  /** sha256 of module.wasm. */
  sha256: string;
  /** The manifest the module was checked against, and its file. */
  manifest: { path: string; value: Manifest } | null;
  /** The module imports wasi fd_write/proc_exit: a debug build the C host loads only with the log capability. */
  debugBuild: boolean;
}

export function runTool(tool: string, args: string[], what: string, wasmPath: string, hint: string): void {
  const r = spawnSync(tool, args, { encoding: 'utf8' });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    throw new CompileError(`${wasmPath}: cannot run ${what} (${tool}): ${code === 'ENOENT' ? `not found; ${hint}` : r.error.message}`);
  }
  if (r.status !== 0) {
    const detail = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim().split('\n').slice(0, 20).join('\n');
    throw new CompileError(`${wasmPath}: ${what} failed (${tool} exited with ${r.status ?? r.signal})${detail ? `:\n${detail}` : ''}`);
  }
}

export const WABT_HINT = 'install Debian\'s wabt (apt-get install wabt)';

/** The instrumented module: checked as the Node loader checks it, or only read. */
async function instrumented(bytes: Uint8Array, wasmPath: string, opts: ImageSourceOptions, manifest: Manifest | undefined): Promise<{ bytes: Uint8Array; debugBuild: boolean }> {
  let sections;
  try {
    sections = readSections(bytes);
  } catch (e) {
    if (e instanceof WasmFormatError) throw new PolicyRefusedError(wasmPath, `malformed module: ${e.message}`);
    throw e;
  }
  // A debug build is compiled like any module: the capability is granted (or not) where it is
  // loaded, by the C embedder, and the C loader refuses its WASI imports without it.
  const debugBuild = sections.imports.some((i) => `${i.module}.${i.name}` in LOG_IMPORTS);
  if (opts.checked === false) return { bytes: await instrumentFuel(bytes, sections.start), debugBuild };
  const mod = await PolicyModule.compile(bytes, {
    label: wasmPath, logCapability: debugBuild,
    ...(opts.memoryCapBytes ? { memoryCapBytes: opts.memoryCapBytes } : {}), ...(manifest ? { manifest } : {}),
  });
  PolicyInstance.create(mod);
  return { bytes: mod.instrumented, debugBuild };
}

/**
 * The glue's view of wasm2c's output, read from the generated header itself (wasm2c orders the
 * imported modules its own way: by name, not by first import).
 */
export function imageShape(policyH: string, sha256: string, embeddedWasm: string, wasmPath: string): string {
  const proto = /void Z_policy_instantiate\(Z_policy_instance_t\*((?:, struct Z_[A-Za-z0-9_]+_instance_t\*)*)\);/.exec(policyH);
  if (!proto) throw new CompileError(`${wasmPath}: wasm2c wrote no Z_policy_instantiate prototype this glue understands (wabt 1.0.32 expected)`);
  const args = [...proto[1]!.matchAll(/struct Z_([A-Za-z0-9_]+)_instance_t\*/g)].map((m) =>
    m[1] === 'env' ? 'env' : m[1] === 'wasi_snapshot_preview1' ? 'wasi' : 'NULL');
  const has = (fn: string) => (policyH.includes(`Z_policyZ_${fn}(Z_policy_instance_t*`) ? 1 : 0);
  if (!has('hw_fuel_set') || !has('hw_fuel_left')) throw new CompileError(`${wasmPath}: the instrumented module lacks hw_fuel_set/hw_fuel_left`);
  const c = (s: string) => JSON.stringify(s); // a C string literal for these (ASCII paths, hex)
  return [
    `/* Generated for ${wasmPath.replace(/\*\//g, '* /')} by host/compile/image-sources.ts: how policy_glue.c calls this module. */`,
    `#define HW_IMAGE_FUEL_INSTRUMENTATION ${FUEL_INSTRUMENTATION}`,
    `#define HW_IMAGE_HAS_START ${has('hw_start')}`,
    `#define HW_IMAGE_HAS_INITIALIZE ${has('_initialize')}`,
    '/* Z_policy_instantiate\'s arguments after the instance, one per imported module, in wasm2c\'s order. */',
    `#define HW_IMAGE_IMPORT_ARGS(env, wasi) ${args.map((a) => `, ${a}`).join('')}`,
    `#define HW_IMAGE_SHA256 ${c(sha256)}`,
    `#define HW_IMAGE_WASM ${c(embeddedWasm)}`,
    '',
  ].join('\n');
}

/**
 * Writes module.wasm, instrumented.wasm, policy.c, policy.h and image_shape.h into `dir`
 * (which must exist). Throws PolicyRefusedError for a module the Node loader refuses, before
 * running any tool; CompileError when wasm2c is missing or fails.
 */
export async function writeImageSources(wasmPath: string, dir: string, opts: ImageSourceOptions = {}): Promise<ImageSources> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(wasmPath);
  } catch (e) {
    throw new InputError(wasmPath, '', `cannot read policy module: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const mpath = opts.checked === false ? null : (opts.manifestPath ?? manifestPathFor(wasmPath));
  const manifest = mpath ? { path: mpath, value: loadManifestFile(mpath) } : null;
  const inst = await instrumented(bytes, wasmPath, opts, manifest?.value);
  const sha256 = PolicyModule.sha256(bytes);
  const embedded = join(dir, 'module.wasm');
  // A copy with a plain path: the glue embeds it with .incbin.
  if (wasmPath !== embedded) copyFileSync(wasmPath, embedded);
  writeFileSync(join(dir, 'instrumented.wasm'), inst.bytes);
  runTool(opts.wasm2c ?? 'wasm2c', [join(dir, 'instrumented.wasm'), '-n', 'policy', '-o', join(dir, 'policy.c')], 'wasm2c', wasmPath, WABT_HINT);
  const policyH = readFileSync(join(dir, 'policy.h'), 'utf8');
  writeFileSync(join(dir, 'image_shape.h'), imageShape(policyH, sha256, embedded, wasmPath));
  return { sha256, manifest, debugBuild: inst.debugBuild };
}

