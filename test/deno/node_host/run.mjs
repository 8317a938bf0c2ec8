// Runs one scenario export under Node, for the Deno tests to compare with. The scenario and the
// host sources it imports load in place through scripts/ts-source-hooks.mjs (Node 20 cannot run .ts itself).
// The argument is JSON on stdin (policy bytes make it too long for argv); the result goes to
// stdout as one line of JSON.
//   node test/deno/node_host/run.mjs <scenario .ts path> <export> < argument.json
import { register } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [entry, exportName] = process.argv.slice(2);
if (!entry || !exportName) {
  process.stderr.write('usage: run.mjs <scenario.ts> <export> < argument.json\n');
  process.exit(2);
}
let input = '';
for await (const chunk of process.stdin) input += chunk;
register('../../../scripts/ts-source-hooks.mjs', import.meta.url);
const mod = await import(pathToFileURL(resolve(entry)).href);
const fn = mod[exportName];
if (typeof fn !== 'function') throw new Error(`${entry} has no export ${exportName}`);
const result = await fn(JSON.parse(input || 'null'));
process.stdout.write(`${JSON.stringify(result)}\n`);
