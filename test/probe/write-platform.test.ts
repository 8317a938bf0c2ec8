// probe --write: no file for a machine without heaps (it would be a platform every loader refuses).
import { describe, it, expect } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePlatformSkeleton } from '../../host/probe/index.js';
import type { ProbeResult } from '../../host/probe/probe.js';
import { parsePlatform } from '../../host/platform/parse.js';
import { heapwise } from '../support/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'hw-probe-'));
const empty: ProbeResult = { devDir: '/dev', heapDirPresent: false, heaps: [], udmabuf: null, cma: [] };

describe('writePlatformSkeleton', () => {
  it('refuses to write when there is no heap, and leaves no file', () => {
    const file = join(tmp, 'none.json');
    expect(() => writePlatformSkeleton(empty, file)).toThrow(`${file}: not written: this machine has no DMA-BUF heap to describe (no /dev/dma_heap, no /dev/udmabuf)`);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('writes a skeleton with the heaps found, which loads once devices are described', () => {
    const file = join(tmp, 'one.json');
    const result: ProbeResult = { ...empty, heapDirPresent: true, heaps: [{ name: 'system', path: '/dev/dma_heap/system', kind: 'system', access: 'ok' }] };
    writePlatformSkeleton(result, file, 'box');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    expect(json).toEqual({ name: 'box', heaps: [{ name: 'system', kind: 'system' }], devices: [] });
    expect(() => parsePlatform(json, file)).not.toThrow();
  });
});

describe('heapwise probe --write', () => {
  it.skipIf(existsSync('/dev/dma_heap') || existsSync('/dev/udmabuf'))('exits 2 and writes nothing on a machine without heaps', () => {
    const file = join(tmp, 'cli.json');
    const r = heapwise(['probe', '--write', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}: not written: this machine has no DMA-BUF heap to describe`);
    expect(existsSync(file)).toBe(false);
  });
});
