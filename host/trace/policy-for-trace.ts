// Which module replays a trace: the one given, or the one the trace names (by path, or by
// sha256 among the package's policies and the trace's folder), never a different one silently.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { PolicyModule } from '../module/policy-module.js';
import { packageRoot } from '../paths.js';
import type { TraceHeader } from './reader.js';

function wasmFiles(dir: string, depth = 3): string[] {
  if (!existsSync(dir) || depth < 0) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...wasmFiles(p, depth - 1));
    else if (e.name.endsWith('.wasm')) out.push(p);
  }
  return out;
}

export async function policyForTrace(h: Pick<TraceHeader, 'policy'> & { limits?: TraceHeader['limits'] }, traceFile: string, where = 'line 1'): Promise<PolicyModule> {
  const want = h.policy.sha256;
  const fuel = h.limits?.fuel;
  // The manifest the recording enforced (version 2); a version 1 trace recorded none.
  const manifest = h.policy.manifest ?? undefined;
  const opts = { ...(fuel ? { fuel } : {}), logCapability: !!h.limits?.log, ...(manifest ? { manifest } : {}) };
  const named = h.policy.path ? resolve(dirname(traceFile), h.policy.path) : null;
  // A C host's trace names the .so it loaded: find the module by sha256 instead.
  if (named && existsSync(named) && named.endsWith('.wasm')) {
    const bytes = readFileSync(named);
    const sha = PolicyModule.sha256(bytes);
    if (sha !== want) {
      throw new InputError(traceFile, where, `the trace was recorded with ${h.policy.name} ${h.policy.version} (sha256 ${want}); ${named} now has sha256 ${sha}. Pass --policy to replay with another module`);
    }
    return PolicyModule.compile(bytes, { label: named, ...opts });
  }
  const candidates = [...wasmFiles(dirname(traceFile), 1), ...wasmFiles(join(packageRoot(), 'policies')), ...wasmFiles(join(packageRoot(), 'test/fixtures/policies'))];
  for (const c of candidates) {
    const bytes = readFileSync(c);
    if (PolicyModule.sha256(bytes) === want) return PolicyModule.compile(bytes, { label: c, ...opts });
  }
  throw new InputError(traceFile, where, `no module with sha256 ${want} (${h.policy.name} ${h.policy.version}) found by path or among the package's policies; pass --policy`);
}
