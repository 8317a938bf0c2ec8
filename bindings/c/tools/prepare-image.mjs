#!/usr/bin/env node
// The Makefile's way to the sources of a policy image, through the very code `heapwise compile`
// runs (host/compile/image-sources.ts): checks, fuel instrumentation, wasm2c, image_shape.h.
//   node tools/prepare-image.mjs X.wasm OUTDIR [--unchecked]
// --unchecked skips the Node loader's checks: for test fixtures the C loader must refuse itself.
// Exit 2 with the refusal for a module the checks refuse, 1 when a tool fails.
import { existsSync, mkdirSync } from 'node:fs';
import { register } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const unchecked = args.includes('--unchecked');
const [wasm, outDir] = args.filter((a) => !a.startsWith('--'));
if (!wasm || !outDir) {
  process.stderr.write('usage: prepare-image.mjs X.wasm OUTDIR [--unchecked]\n');
  process.exit(2);
}
// A checkout runs the TypeScript sources in place; an installed package has only the bundle,
// which exports writeImageSources once host/index.ts does.
const sources = new URL('../../../host/compile/image-sources.ts', import.meta.url);
let writeImageSources;
if (existsSync(fileURLToPath(sources))) {
  register('../../../scripts/ts-source-hooks.mjs', import.meta.url);
  ({ writeImageSources } = await import(sources.href));
} else {
  ({ writeImageSources } = await import(new URL('../../../dist/index.js', import.meta.url).href));
}
if (typeof writeImageSources !== 'function') {
  process.stderr.write('prepare-image: needs host/compile/image-sources.ts (a checkout) or a dist/ bundle that exports writeImageSources\n');
  process.exit(1);
}
mkdirSync(outDir, { recursive: true });
try {
  await writeImageSources(resolve(wasm), resolve(outDir), { checked: !unchecked });
} catch (e) {
  process.stderr.write(`prepare-image: ${e.message}\n`);
  process.exit(e.exitCode ?? 1);
}
