// heapwise compile X.wasm -o X.so: a policy module turned into a shared object the C host loads
// with dlopen (bindings/c/src/policy_image.h). The module passes the same checks as the Node
// loader first; then the fuel-instrumented module (the very bytes the Node host runs) goes
// through wasm2c (module name "policy") and cc builds one image: the generated C, a private copy
// of wasm2c's runtime and the glue, with only the entry point exported. The output is written to
// a temporary file next to it and renamed: never a half-written .so.
//
// A manifest beside the module (X.manifest.json) is checked now (hash pin, identity) and copied
// beside the output (Y.so -> Y.manifest.json), where the C loader enforces it again at every
// load: the pin is a deployment decision, so it travels as its own file, never inside the image
// it pins.
import { copyFileSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { packageRoot } from '../paths.js';
import { CompileError, runTool, WABT_HINT, writeImageSources } from './image-sources.js';
import { checkOutputPath, OutputPathError } from './output-path.js';

export { CompileError, OutputPathError };

export interface CompileOptions {
  /** C compiler (default $CC or "cc"). */
  cc?: string;
  /** wasm2c from Debian's wabt (default "wasm2c"). */
  wasm2c?: string;
  /** Directory with wasm-rt.h, wasm-rt-impl.h and wasm-rt-impl.c (default /usr/src/wasm2c). */
  wasmRtDir?: string;
  /** Directory with policy_glue.c and policy_image.h (default bindings/c/src of this package). */
  glueDir?: string;
  /** Memory cap the module is checked against (default 16 MiB, as the loaders). */
  memoryCapBytes?: number;
  /** Manifest to check and ship beside the output (default: X.manifest.json beside X.wasm). */
  manifestPath?: string;
}

/** Where the C loader looks for the manifest of a policy .so: X.so -> X.manifest.json. */
export function soManifestPath(soPath: string): string {
  return `${soPath.replace(/\.so$/, '')}.manifest.json`;
}

/**
 * cc over the sources writeImageSources wrote to `work`: one shared object at `outFile`, with
 * explicit bounds checks, as libheapwise is built (it refuses images built otherwise).
 */
export function linkImage(work: string, outFile: string, wasmPath: string, opts: Pick<CompileOptions, 'cc' | 'wasmRtDir' | 'glueDir'> = {}): void {
  const wasmRt = opts.wasmRtDir ?? '/usr/src/wasm2c';
  const glue = opts.glueDir ?? join(packageRoot(), 'bindings', 'c', 'src');
  for (const [dir, file, hint] of [[wasmRt, 'wasm-rt-impl.c', WABT_HINT], [glue, 'policy_glue.c', 'pass glueDir']] as const) {
    if (!existsSync(join(dir, file))) throw new CompileError(`${wasmPath}: ${join(dir, file)} is missing; ${hint}`);
  }
  runTool(opts.cc ?? process.env.CC ?? 'cc', [
    '-O2', '-std=gnu11', '-fPIC', '-shared', '-fvisibility=hidden', '-w', '-DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0',
    `-I${work}`, `-I${glue}`, `-I${wasmRt}`,
    join(work, 'policy.c'), join(wasmRt, 'wasm-rt-impl.c'), join(glue, 'policy_glue.c'),
    '-o', outFile, '-lm', '-lpthread',
  ], 'the C compiler', wasmPath, 'install gcc (apt-get install gcc libc6-dev) or set CC');
}

export async function compilePolicy(wasmPath: string, outPath: string, opts: CompileOptions = {}): Promise<void> {
  checkOutputPath(outPath);
  const out = resolve(outPath);
  const tmpOut = join(dirname(out), `.${basename(out)}.${process.pid}.tmp`);
  const work = mkdtempSync(join(tmpdir(), 'heapwise-compile-'));
  try {
    // The Node loader's checks run first, before any tool: a refused module leaves nothing behind.
    const src = await writeImageSources(wasmPath, work, {
      ...(opts.wasm2c ? { wasm2c: opts.wasm2c } : {}), ...(opts.memoryCapBytes ? { memoryCapBytes: opts.memoryCapBytes } : {}),
      ...(opts.manifestPath ? { manifestPath: opts.manifestPath } : {}),
    });
    linkImage(work, tmpOut, wasmPath, opts);
    if (src.manifest) {
      const m = soManifestPath(out);
      if (resolve(src.manifest.path) !== m) {
        copyFileSync(src.manifest.path, `${m}.${process.pid}.tmp`);
        renameSync(`${m}.${process.pid}.tmp`, m);
      }
    }
    renameSync(tmpOut, out);
  } finally {
    rmSync(tmpOut, { force: true });
    rmSync(work, { recursive: true, force: true });
  }
}
