#!/usr/bin/env node
// Gives require() consumers their own copy of the declarations: dist/types sits under this
// package's "type": "module", so TypeScript (module node16/nodenext) reads it as ESM and refuses it
// from a CommonJS file (TS1479). The same files under a {"type": "commonjs"} package.json are CJS.
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const out = join(dist, 'types-cjs');
rmSync(out, { recursive: true, force: true });
cpSync(join(dist, 'types'), out, { recursive: true });
writeFileSync(join(out, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
