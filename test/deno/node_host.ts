// The Node side of every cross-host comparison: runs a scenario export under `node` (through
// node_host/run.mjs, on the same sources and inputs) and returns its result. The Deno side calls
// the same export in-process; the two must be equal.
import { at, ROOT } from './checkout.ts';

export async function underNode<T>(scenario: string, exportName: string, arg: unknown = null): Promise<T> {
  const out = await new Deno.Command('node', {
    args: [at('test/deno/node_host/run.mjs'), at(scenario), exportName, JSON.stringify(arg)],
    cwd: ROOT,
    stdout: 'piped',
    stderr: 'piped',
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) throw new Error(`node ${scenario} ${exportName} exited ${out.code}:\n${new TextDecoder().decode(out.stderr)}`);
  return JSON.parse(text) as T;
}

/** What a result looks like once it went through JSON, as Node's did (undefined keys dropped). */
export function asJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
