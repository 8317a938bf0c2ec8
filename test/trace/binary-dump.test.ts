// A binary trace dumps to the JSON Lines the same session records, byte for byte.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dumpTrace } from '../../host/trace/dump.js';
import { policy } from '../support/modules.js';
import { recordBoth, WORKLOADS } from './sessions.js';

const tmp = mkdtempSync(join(tmpdir(), 'hw-bin-dump-'));
const dump = async (file: string) => {
  const parts: string[] = [];
  await dumpTrace(file, (t) => { parts.push(t); });
  return parts.join('');
};

describe('trace dump of a binary trace', () => {
  for (const w of WORKLOADS) {
    for (const p of ['default', 'naive']) {
      it(`${w} under ${p}: dump(binary) is the JSON Lines recording`, async () => {
        const r = recordBoth(tmp, `${w}-${p}`, w, await policy(p));
        expect(await dump(r.binary)).toBe(r.text);
        expect(statSync(r.binary).size).toBeLessThan(statSync(r.jsonl).size);
      });
    }
  }

  it('a JSON Lines trace dumps to itself', async () => {
    const r = recordBoth(tmp, 'self', 'cma-exhaustion', await policy('default'));
    expect(await dump(r.jsonl)).toBe(r.text);
  });
});
