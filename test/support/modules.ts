// Loading the built policy modules and test-only modules, and turning WAT into bytes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import binaryen from 'binaryen';
import { PolicyModule } from '../../host/module/policy-module.js';

export const ROOT = join(import.meta.dirname, '..', '..');

export function policyBytes(name: string): Uint8Array {
  const builtin = join(ROOT, 'policies', name, 'build', `${name}.wasm`);
  const fixture = join(ROOT, 'test/fixtures/policies', name, 'build', `${name}.wasm`);
  try {
    return readFileSync(builtin);
  } catch {
    return readFileSync(fixture);
  }
}

const cache = new Map<string, Promise<PolicyModule>>();

export function policy(name: string): Promise<PolicyModule> {
  let p = cache.get(name);
  if (!p) {
    p = PolicyModule.compile(policyBytes(name), { label: name });
    cache.set(name, p);
  }
  return p;
}

/** Assembles WebAssembly text (binaryen.js) into a module binary. */
export function wat(text: string): Uint8Array {
  const m = binaryen.parseText(text);
  // The features AssemblyScript output uses, and no newer encodings (compact imports...).
  m.setFeatures(binaryen.Features.MVP | binaryen.Features.MutableGlobals | binaryen.Features.SignExt | binaryen.Features.BulkMemory | binaryen.Features.BulkMemoryOpt | binaryen.Features.NontrappingFPToInt);
  const bytes = m.emitBinary();
  m.dispose();
  return bytes;
}
