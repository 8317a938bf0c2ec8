// Policy manifests (schemas/manifest.schema.json): the hash pin is checked before the module is
// instantiated, its identity after, and its limits on every decision.
import { existsSync } from 'node:fs';
import { InputError, PolicyRefusedError } from '../errors.js';
import { readJsonFile } from '../input/json-file.js';
import { validate } from '../input/schema.js';
import type { PolicyIdentity } from './policy-module.js';

export interface Manifest {
  name: string;
  version: string;
  sha256: string;
  allowedHeaps?: string[];
  maxAllocationBytes?: number;
  fuel?: number;
  description?: string;
}

export function parseManifest(json: unknown, file: string): Manifest {
  validate('manifest', json, file);
  return json as Manifest;
}

/** The manifest beside a module: X.wasm -> X.manifest.json, if present. */
export function manifestPathFor(wasmPath: string): string | null {
  const p = wasmPath.replace(/\.wasm$/, '') + '.manifest.json';
  return existsSync(p) ? p : null;
}

export function loadManifestFile(file: string): Manifest {
  if (!existsSync(file)) throw new InputError(file, '', 'cannot read manifest: ENOENT');
  return parseManifest(readJsonFile(file), file);
}

/** Refuses bytes whose hash is not the pinned one (before anything of the module runs). */
export function checkPin(m: Manifest, sha256: string, label: string): void {
  if (m.sha256 !== sha256) throw new PolicyRefusedError(label, `sha256 ${sha256} does not match the manifest's ${m.sha256}`);
}

/** Refuses a module whose reported identity differs from its manifest. */
export function checkIdentity(m: Manifest, id: PolicyIdentity, label: string): void {
  if (m.name !== id.name || m.version !== id.version) {
    throw new PolicyRefusedError(label, `reports ${id.name} ${id.version}; its manifest says ${m.name} ${m.version}`);
  }
}
