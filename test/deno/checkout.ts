// Paths of this checkout the Deno tests use, and the policy modules they load (built once with
// the same script `npm run build:policies` runs, when a fresh checkout has none yet).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
export const at = (rel: string): string => `${ROOT}/${rel}`;

export const DEFAULT_POLICY = at('policies/default/build/default.wasm');
export const NAIVE_POLICY = at('policies/naive/build/naive.wasm');
export const BROKEN_POLICY = at('test/fixtures/policies/broken/build/broken.wasm');

/** Builds the policy modules when any of them is missing; throws with the build's output on failure. */
export async function ensurePolicies(): Promise<void> {
  if ([DEFAULT_POLICY, NAIVE_POLICY, BROKEN_POLICY].every((p) => existsSync(p))) return;
  const out = await new Deno.Command('node', { args: ['scripts/build-policies.mjs'], cwd: ROOT, stdout: 'piped', stderr: 'piped' }).output();
  if (!out.success) {
    const text = new TextDecoder().decode(out.stderr) || new TextDecoder().decode(out.stdout);
    throw new Error(`node scripts/build-policies.mjs failed (exit ${out.code}):\n${text}`);
  }
}

/** The bundled example workloads, when the checkout has them, then this suite's own fixtures. */
export function workloadFiles(): string[] {
  const list = (dir: string): string[] =>
    existsSync(at(dir)) ? [...Deno.readDirSync(at(dir))].map((e) => e.name).filter((n) => n.endsWith('.json')).sort().map((n) => at(`${dir}/${n}`)) : [];
  return [...list('examples/workloads'), ...list('test/deno/fixtures/workloads')];
}
