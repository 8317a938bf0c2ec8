// The on-disk cache of fuel-instrumented modules: an entry gives exactly the bytes instrumenting
// gives, a damaged entry is rebuilt, and a cache that cannot be used never stops a module from
// loading.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { instrumentFuel } from '../../host/module/fuel.js';
import { fuelCacheDir } from '../../host/module/fuel-cache.js';
import { PolicyModule } from '../../host/module/policy-module.js';
import { Engine } from '../../host/engine/engine.js';
import { policyBytes } from '../support/modules.js';
import { platform, SOC } from '../support/platforms.js';

let dir: string;
const saved = { dir: process.env.HEAPWISE_CACHE_DIR, off: process.env.HEAPWISE_CACHE };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'heapwise-fuel-cache-'));
  process.env.HEAPWISE_CACHE_DIR = dir;
  delete process.env.HEAPWISE_CACHE;
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  if (saved.dir === undefined) delete process.env.HEAPWISE_CACHE_DIR; else process.env.HEAPWISE_CACHE_DIR = saved.dir;
  if (saved.off === undefined) delete process.env.HEAPWISE_CACHE; else process.env.HEAPWISE_CACHE = saved.off;
});

const entries = () => readdirSync(join(dir, 'fuel'));

/** A module that decides: its engine answers a placement. */
const decides = async (m: PolicyModule) => {
  const e = Engine.create(m, platform(SOC), { fallback: null });
  expect(e.allocate({ size: 4096, devices: ['gpu'] }).decision?.heap).toBeTruthy();
};

describe('fuel-instrumented module cache', () => {
  it('stores the instrumented bytes under the module sha256 and serves them back unchanged', async () => {
    const bytes = policyBytes('default');
    const first = await PolicyModule.compile(bytes, { label: 'default' });
    expect(entries()).toHaveLength(1);
    expect(entries()[0]).toMatch(new RegExp(`^${first.sha256}-s\\w+-f\\d+-binaryen[\\w.-]+\\.wasm$`));
    expect(first.instrumented).toEqual(await instrumentFuel(bytes, first.sections.start));
    const second = await PolicyModule.compile(bytes, { label: 'default' });
    expect(second.instrumented).toEqual(first.instrumented);
    await decides(second);
  });

  it('keeps one entry per module', async () => {
    await PolicyModule.compile(policyBytes('default'), { label: 'default' });
    await PolicyModule.compile(policyBytes('naive'), { label: 'naive' });
    await PolicyModule.compile(policyBytes('default'), { label: 'default' });
    expect(entries()).toHaveLength(2);
  });

  for (const [what, damage] of [
    ['truncated', (b: Buffer) => b.subarray(0, b.length - 7)],
    ['with a flipped byte', (b: Buffer) => { const c = Buffer.from(b); c[c.length >> 1]! ^= 0x40; return c; }],
    ['empty', () => Buffer.alloc(0)],
  ] as const) {
    it(`rebuilds an entry that is ${what}`, async () => {
      const bytes = policyBytes('default');
      const good = await PolicyModule.compile(bytes, { label: 'default' });
      const file = join(dir, 'fuel', entries()[0]!);
      const sound = readFileSync(file);
      writeFileSync(file, damage(sound));
      const again = await PolicyModule.compile(bytes, { label: 'default' });
      expect(again.instrumented).toEqual(good.instrumented);
      expect(readFileSync(file)).toEqual(sound);
      await decides(again);
    });
  }

  it('HEAPWISE_CACHE=off writes nothing', async () => {
    process.env.HEAPWISE_CACHE = 'off';
    expect(fuelCacheDir()).toBeNull();
    await decides(await PolicyModule.compile(policyBytes('default'), { label: 'default' }));
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a cache directory that cannot be created is skipped, not an error', async () => {
    const blocker = join(dir, 'not-a-dir');
    writeFileSync(blocker, 'x');
    process.env.HEAPWISE_CACHE_DIR = blocker;
    await decides(await PolicyModule.compile(policyBytes('default'), { label: 'default' }));
    expect(readFileSync(blocker, 'utf8')).toBe('x');
  });
});
