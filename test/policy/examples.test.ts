// Every example platform and request: decisions valid against schemas/decision.schema.json,
// placed unless the request was written to be impossible on its board.
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Engine } from '../../host/engine/engine.js';
import { loadPlatformFile } from '../../host/platform/parse.js';
import { loadRequestFile } from '../../host/input/request.js';
import { policy, ROOT } from '../support/modules.js';
import { examplePlatformFiles, EXAMPLES } from '../support/platforms.js';
import { violatedConstraint } from '../../host/authoring/hard-constraints.js';

const IMPOSSIBLE = new Set([
  'rpi4-too-large-for-cma', 'a20-olinuxino-lime2-too-large', 'rock5b-hdmirx-4k-capture',
  'x86-laptop-protected-playback', 'pixel6pro-protected-cpu-read', 'rockpi4-optee-secure-decode',
]);
const validateDecision = new Ajv2020({ strict: false }).compile(JSON.parse(readFileSync(join(ROOT, 'schemas/decision.schema.json'), 'utf8')));
const requests = readdirSync(join(EXAMPLES, 'requests')).filter((f) => f.endsWith('.json')).sort();

describe('example platforms', () => {
  it('there are at least six boards, each with at least two requests', () => {
    const boards = examplePlatformFiles().map((f) => f.replace(/\.json$/, ''));
    expect(boards.length).toBeGreaterThanOrEqual(6);
    for (const b of boards) expect(requests.filter((r) => r.startsWith(`${b}-`)).length, b).toBeGreaterThanOrEqual(2);
  });

  it.each(requests)('%s', async (file) => {
    const name = file.replace(/\.json$/, '');
    const board = examplePlatformFiles().map((f) => f.replace(/\.json$/, '')).filter((b) => name.startsWith(`${b}-`)).sort((a, b) => b.length - a.length)[0]!;
    const p = loadPlatformFile(join(EXAMPLES, 'platforms', `${board}.json`));
    const req = loadRequestFile(join(EXAMPLES, 'requests', file), p);
    const e = Engine.create(await policy('default'), p);
    const d = e.allocate({ ...req, deferred: false }).decision!;
    e.dispose();
    expect(validateDecision(JSON.parse(JSON.stringify(d))), JSON.stringify(validateDecision.errors)).toBe(true);
    if (IMPOSSIBLE.has(name)) {
      expect(d.heap).toBeNull();
      expect(d.rejected.length).toBe(p.heaps.length);
    } else {
      expect(d.heap).not.toBeNull();
      expect(violatedConstraint(p, req, p.heaps[p.heapIndex.get(d.heap!)!]!)).toBeNull();
    }
  });
});
