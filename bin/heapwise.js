#!/usr/bin/env node
// The heapwise CLI; the bundle in dist/ is built by `npm run build` (run on npm install).
import { main } from '../dist/cli.js';

await main();
