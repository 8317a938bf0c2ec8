// Every example request decided on its example platform the way `heapwise decide` does it:
// the decisions the Deno and Node hosts must agree on, byte for byte once serialised.
import { readdirSync } from 'node:fs';
import { Engine, loadPlatformFile, loadRequestFile, type Decision } from '../../../host/index.ts';
import { compilePolicy, type PolicyInput } from './policy_input.ts';

export interface ExamplePair {
  platform: string;
  request: string;
}

/** examples/requests/<platform>-<what>.json with examples/platforms/<platform>.json (longest platform name wins). */
export function examplePairs(root = 'examples'): ExamplePair[] {
  const platforms = readdirSync(`${root}/platforms`).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));
  platforms.sort((a, b) => b.length - a.length);
  return readdirSync(`${root}/requests`).filter((f) => f.endsWith('.json')).sort().map((file) => {
    const platform = platforms.find((p) => file.startsWith(`${p}-`));
    if (!platform) throw new Error(`${root}/requests/${file} names no platform of ${root}/platforms`);
    return { platform: `${root}/platforms/${platform}.json`, request: `${root}/requests/${file}` };
  });
}

export async function decideAll(input: { policy: PolicyInput; pairs: ExamplePair[] }): Promise<Record<string, Decision>> {
  const mod = await compilePolicy(input.policy);
  const out: Record<string, Decision> = {};
  for (const { platform, request } of input.pairs) {
    const p = loadPlatformFile(platform);
    const engine = Engine.create(mod, p);
    out[request] = engine.allocate({ ...loadRequestFile(request, p), deferred: false }).decision!;
    engine.dispose();
  }
  return out;
}
