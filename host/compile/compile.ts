// heapwise compile X.wasm -o X.so: a policy module turned into a shared object the C host loads
// with dlopen (bindings/c/src/policy_image.h). The module passes the same checks as the Node
// loader first; then wasm2c (module name "policy") and cc build one image: the generated C, a
// private copy of wasm2c's runtime and the glue, with only the entry point exported. The output
// is written to a temporary file next to it and renamed: never a half-written .so.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { EXIT, HeapwiseError, InputError } from '../errors.js';
import { PolicyInstance } from '../module/instance.js';
import { PolicyModule } from '../module/policy-module.js';
import { packageRoot } from '../paths.js';

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
}

/** The toolchain is missing or failed; the message names the file and the tool. */
export class CompileError extends HeapwiseError {
  override readonly exitCode = EXIT.INTERNAL;
  constructor(message: string) {
    super(message);
    this.name = 'CompileError';
  }
}

function run(tool: string, args: string[], what: string, wasmPath: string, hint: string): void {
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

export async function compilePolicy(wasmPath: string, outPath: string, opts: CompileOptions = {}): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(wasmPath);
  } catch (e) {
    throw new InputError(wasmPath, '', `cannot read policy module: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  // The checks of the Node loader: sections, then an instance for the ABI version, identity and regions.
  const mod = await PolicyModule.compile(bytes, { label: wasmPath, ...(opts.memoryCapBytes ? { memoryCapBytes: opts.memoryCapBytes } : {}) });
  PolicyInstance.create(mod);

  const wasmRt = opts.wasmRtDir ?? '/usr/src/wasm2c';
  const glue = opts.glueDir ?? join(packageRoot(), 'bindings', 'c', 'src');
  for (const [dir, file, hint] of [[wasmRt, 'wasm-rt-impl.c', 'install Debian\'s wabt (apt-get install wabt)'], [glue, 'policy_glue.c', 'pass glueDir']] as const) {
    if (!existsSync(join(dir, file))) throw new CompileError(`${wasmPath}: ${join(dir, file)} is missing; ${hint}`);
  }
  const out = resolve(outPath);
  const tmpOut = join(dirname(out), `.${basename(out)}.${process.pid}.tmp`);
  const work = mkdtempSync(join(tmpdir(), 'heapwise-compile-'));
  try {
    // A copy with a plain path: the glue embeds it with .incbin for the C loader's checks.
    const embedded = join(work, 'module.wasm');
    copyFileSync(wasmPath, embedded);
    run(opts.wasm2c ?? 'wasm2c', [embedded, '-n', 'policy', '-o', join(work, 'policy.c')], 'wasm2c', wasmPath, 'install Debian\'s wabt (apt-get install wabt)');
    run(opts.cc ?? process.env.CC ?? 'cc', [
      '-O2', '-std=gnu11', '-fPIC', '-shared', '-fvisibility=hidden', '-w',
      // Explicit bounds checks, as libheapwise is built: it refuses images built otherwise.
      '-DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0',
      `-I${work}`, `-I${glue}`, `-I${wasmRt}`,
      `-DHW_IMAGE_SHA256="${mod.sha256}"`, `-DHW_IMAGE_WASM="${embedded}"`,
      join(work, 'policy.c'), join(wasmRt, 'wasm-rt-impl.c'), join(glue, 'policy_glue.c'),
      '-o', tmpOut, '-lm', '-lpthread',
    ], 'the C compiler', wasmPath, 'install gcc (apt-get install gcc libc6-dev) or set CC');
    renameSync(tmpOut, out);
  } finally {
    rmSync(tmpOut, { force: true });
    rmSync(work, { recursive: true, force: true });
  }
}
