// The manifest a trace records with each policy (format version 2, docs/trace.md): written in
// one canonical form so every host writes the same bytes, checked like a manifest file when
// read, and enforced again on replay when the recorded module replays.
import { validate } from '../input/schema.js';
import type { Manifest } from '../module/manifest.js';
import type { PolicyModule } from '../module/policy-module.js';

/** A policy as a trace names it; `manifest` is undefined in version 1 traces (not recorded). */
export interface RecordedPolicy {
  name: string;
  version: string;
  sha256: string;
  path: string | null;
  manifest?: Manifest | null;
}

const str = (s: string) => JSON.stringify(s);

/**
 * Compact JSON of a manifest with its keys in the schema's order, absent ones left out: the C
 * host builds the same text field by field (a dump of a parsed object would keep file order).
 */
export function manifestJson(m: Manifest | null): string {
  if (!m) return 'null';
  let s = `{"name":${str(m.name)},"version":${str(m.version)},"sha256":${str(m.sha256)}`;
  if (m.allowedHeaps) s += `,"allowedHeaps":[${m.allowedHeaps.map(str).join(',')}]`;
  if (m.maxAllocationBytes !== undefined) s += `,"maxAllocationBytes":${m.maxAllocationBytes}`;
  if (m.fuel !== undefined) s += `,"fuel":${m.fuel}`;
  if (m.description !== undefined) s += `,"description":${str(m.description)}`;
  return s + '}';
}

/** A recorded manifest (parsed JSON) checked against the manifest schema; errors name the trace and the field. */
export function recordedManifest(v: unknown, file: string, where: string): Manifest | null {
  if (v === null) return null;
  validate('manifest', v, file, `${where} policy.manifest`);
  return v as Manifest;
}

/**
 * The module as replay runs it at a point where the trace names `recorded`: the recorded module
 * (same sha256) under the manifest the recording enforced, whatever lies beside it now; any
 * other module under its own manifest. Version 1 traces recorded none: the module as loaded.
 */
export function underRecordedManifest(mod: PolicyModule, recorded: RecordedPolicy): PolicyModule {
  return recorded.manifest === undefined || mod.sha256 !== recorded.sha256 ? mod : mod.withManifest(recorded.manifest);
}
