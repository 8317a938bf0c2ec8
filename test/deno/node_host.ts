// The Node side of every cross-host comparison: runs a scenario export under `node` (through
// node_host/run.mjs, on the same sources and inputs) and returns its result. The Deno side calls
// the same export in-process; the two must be equal.
import { at, ROOT } from './checkout.ts';

export async function underNode<T>(scenario: string, exportName: string, arg: unknown = null): Promise<T> {
  const child = new Deno.Command('node', {
    args: [at('test/deno/node_host/run.mjs'), at(scenario), exportName],
    cwd: ROOT,
    stdin: 'piped',
    stdout: 'piped',
    stderr: 'piped',
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(arg)));
  await writer.close();
  const out = await child.output();
  if (!out.success) throw new Error(`node ${scenario} ${exportName} exited ${out.code}:\n${new TextDecoder().decode(out.stderr)}`);
  return JSON.parse(new TextDecoder().decode(out.stdout)) as T;
}

/** What a result looks like once it went through JSON, as Node's did (undefined keys dropped). */
export function asJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
