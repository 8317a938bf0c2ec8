#!/usr/bin/env node
// Builds the node addon (bindings/node, node-addon-api) with node-gyp: run by npm on install.
// The addon is what the kernel backend needs; without it the model backend and everything else
// still work, so a failed build warns instead of failing the install. HEAPWISE_REQUIRE_ADDON=1
// (set by CI) makes it fatal.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'bindings/node');
if (process.platform !== 'linux') {
  console.warn('heapwise: not Linux, skipping the kernel addon (DMA-BUF heaps are a Linux uAPI)');
  process.exit(0);
}
// npm hands install scripts its own node-gyp; otherwise use the one in node_modules.
let gyp = process.env.npm_config_node_gyp;
if (!gyp || !existsSync(gyp)) {
  try {
    gyp = createRequire(join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    gyp = null;
  }
}
const args = ['rebuild', '--directory', dir];
// Offline, node-gyp must use the headers of the installed Node (npm passes nodedir from .npmrc).
const nodedir = process.env.npm_config_nodedir ?? (existsSync('/usr/include/node/node_api.h') ? '/usr' : null);
if (nodedir) args.push(`--nodedir=${nodedir}`);
const r = gyp ? spawnSync(process.execPath, [gyp, ...args], { stdio: 'inherit' }) : { status: 1, error: new Error('node-gyp not found') };
if (r.status !== 0) {
  const msg = `heapwise: the kernel addon did not build (${r.error?.message ?? `node-gyp exit ${r.status}`}); the kernel backend is unavailable, the model backend works`;
  if (process.env.HEAPWISE_REQUIRE_ADDON === '1') {
    console.error(msg);
    process.exit(1);
  }
  console.warn(msg);
}
