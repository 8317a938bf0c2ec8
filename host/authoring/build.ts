// heapwise build: compiles a policy folder (index.ts against the SDK in asm/) to
// <dir>/build/<name>.wasm, or the debug variant <name>.debug.wasm, with the flags every
// shipped policy is built with (asm/build-flags.json).
import { existsSync, readFileSync, mkdirSync, renameSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { InputError } from '../errors.js';
import { packageRoot } from '../paths.js';

export interface BuildOptions { debug?: boolean; name?: string }

export async function buildPolicy(dir: string, opts: BuildOptions = {}): Promise<string> {
  const root = packageRoot();
  const abs = resolve(dir);
  const entry = join(abs, 'index.ts');
  if (!existsSync(entry)) throw new InputError(entry, '', 'a policy folder needs an index.ts');
  const name = opts.name ?? basename(abs);
  const flags = JSON.parse(readFileSync(join(root, 'asm/build-flags.json'), 'utf8')) as { production: string[]; debug: string[] };
  // Resolve packages the flags name (the wasi-shim config) wherever npm installed them.
  const req = createRequire(join(root, 'package.json'));
  const list = (opts.debug ? flags.debug : flags.production).flatMap((f) => {
    if (!f.startsWith('node_modules/')) return [f];
    // asc joins a config's "lib" to the working directory, absolute or not: hand it a relative path.
    return [relative(process.cwd(), req.resolve(f.slice('node_modules/'.length)))];
  });
  const outDir = join(abs, 'build');
  mkdirSync(outDir, { recursive: true });
  const base = opts.debug ? `${name}.debug` : name;
  const out = join(outDir, `${base}.wasm`);
  const tmp = `${out}.tmp-${process.pid}`;
  const { default: asc } = await import('assemblyscript/asc');
  let stderr = '';
  const { error } = await asc.main([entry, ...list, '--outFile', tmp, '--textFile', join(outDir, `${base}.wat`)], {
    stdout: { write: () => true } as unknown as NodeJS.WritableStream,
    stderr: { write: (s: string | Uint8Array) => { stderr += String(s); return true; } } as unknown as NodeJS.WritableStream,
  });
  if (error) throw new InputError(entry, '', `AssemblyScript compilation failed: ${error.message}\n${stderr.trim()}`);
  renameSync(tmp, out);
  return out;
}
