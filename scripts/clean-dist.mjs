#!/usr/bin/env node
// Empties dist/ before a build: rollup writes new hashed chunks beside the old ones and never
// removes any, so a package packed after many builds would ship every chunk it ever made.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

rmSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'dist'), { recursive: true, force: true });
