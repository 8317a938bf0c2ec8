#!/usr/bin/env node
// The Makefile's way to the sources of a policy image, through the very code `heapwise compile`
// runs (host/compile/image-sources.ts): checks, fuel instrumentation, wasm2c, image_shape.h.
//   node tools/prepare-image.mjs X.wasm OUTDIR [--unchecked]
// --unchecked skips the Node loader's checks: for test fixtures the C loader must refuse itself.
// Exit 2 with the refusal for a module the checks refuse, 1 when a tool fails.
import { mkdirSync } from 'node:fs';
import { register } from 'node:module';
import { resolve } from 'node:path';

const args = process.argv.slice(2);
const unchecked = args.includes('--unchecked');
const [wasm, outDir] = args.filter((a) => !a.startsWith('--'));
if (!wasm || !outDir) {
  process.stderr.write('usage: prepare-image.mjs X.wasm OUTDIR [--unchecked]\n');
  process.exit(2);
}
register('./ts-hooks.mjs', import.meta.url);
const { writeImageSources } = await import('../../../host/compile/image-sources.ts');
mkdirSync(outDir, { recursive: true });
try {
  await writeImageSources(resolve(wasm), resolve(outDir), { checked: !unchecked });
} catch (e) {
  process.stderr.write(`prepare-image: ${e.message}\n`);
  process.exit(e.exitCode ?? 1);
}
