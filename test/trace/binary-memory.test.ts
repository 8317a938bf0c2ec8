// Bounded memory: a binary trace several times larger than the reader's buffer is read and
// replayed through that one buffer (it never grows: blocks are at most 64 KiB as written), and
// diff and explain read binary traces as they read JSON Lines.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { explainTraceEvent } from '../../host/explain/explain.js';
import { BinaryCursor } from '../../host/trace/binary-cursor.js';
import { diff } from '../../host/trace/diff.js';
import { replay } from '../../host/trace/replay.js';
import { policy } from '../support/modules.js';
import { EXAMPLES } from '../support/platforms.js';
import { recordBoth } from './sessions.js';

const tmp = mkdtempSync(join(tmpdir(), 'hw-bin-memory-'));

describe('binary traces', () => {
  it('a long trace is read and replayed through one fixed buffer', async () => {
    const source = join(EXAMPLES, 'workloads', 'camera-isp-display.json');
    const w = JSON.parse(readFileSync(source, 'utf8')) as { platform: string };
    const long = join(tmp, 'long.workload.json');
    writeFileSync(long, JSON.stringify({ ...w, platform: resolve(dirname(source), w.platform), iterations: 1500 }));
    const r = recordBoth(tmp, 'long', long, await policy('default'));
    const size = statSync(r.binary).size;
    const c = new BinaryCursor(r.binary);
    const buffer = c.u8.length;
    expect(size).toBeGreaterThan(3 * buffer);
    let records = 0;
    while (c.next()) {
      records++;
      expect(c.u8.length).toBe(buffer);
    }
    c.close();
    expect(c.bytesRead).toBe(size);
    expect(records).toBe(r.text.split('\n').length - 1);
    const seen: number[] = [];
    const rep = await replay(r.binary, { onProgress: (done) => seen.push(done) });
    expect(rep.identical).toBe(true);
    expect(seen.length).toBeGreaterThan(10);
  });

  it('diff and explain give the same results from a binary trace as from its JSON Lines twin', async () => {
    const r = recordBoth(tmp, 'twin', 'cma-exhaustion', await policy('default'));
    const [a, b] = [await policy('default'), await policy('naive')];
    const [fromBinary, fromText] = [await diff(r.binary, a, b), await diff(r.jsonl, a, b)];
    expect({ ...fromBinary, trace: '' }).toEqual({ ...fromText, trace: '' });
    expect(await explainTraceEvent(r.binary, 5)).toEqual(await explainTraceEvent(r.jsonl, 5));
  });
});
