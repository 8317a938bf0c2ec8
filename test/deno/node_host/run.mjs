// Runs one scenario export under Node, for the Deno tests to compare with. The scenario and the
// host sources it imports load in place through ts_hooks.mjs (Node 20 cannot run .ts itself);
// the result goes to stdout as one line of JSON.
//   node test/deno/node_host/run.mjs <scenario .ts path> <export> '<json argument>'
import { register } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [entry, exportName, arg = 'null'] = process.argv.slice(2);
if (!entry || !exportName) {
  process.stderr.write('usage: run.mjs <scenario.ts> <export> [json-argument]\n');
  process.exit(2);
}
register('./ts_hooks.mjs', import.meta.url);
const mod = await import(pathToFileURL(resolve(entry)).href);
const fn = mod[exportName];
if (typeof fn !== 'function') throw new Error(`${entry} has no export ${exportName}`);
const result = await fn(JSON.parse(arg));
process.stdout.write(`${JSON.stringify(result)}\n`);
