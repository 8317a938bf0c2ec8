// Platform faults located where the user can fix them.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlatformFile, parsePlatform } from '../../host/platform/parse.js';
import { heapwise } from '../support/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'hw-platform-'));

describe('platform heap names', () => {
  it('an empty heap name is reported at /heaps/N/name, not as a missing kind', () => {
    const json = { name: 'p', heaps: [{ name: 'system' }, { name: '' }], devices: [] };
    expect(() => parsePlatform(json, 'p.json')).toThrow('p.json at /heaps/1/name: heap name must not be empty');
    const file = join(tmp, 'empty-name.json');
    writeFileSync(file, JSON.stringify(json));
    const r = heapwise(['decide', '--platform', file, '--request', 'examples/requests/rpi4-camera-frame.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file} at /heaps/1/name: heap name must not be empty`);
  });
});

describe('a platform file named by another file', () => {
  it('a missing one is reported at the file and field that name it', () => {
    const missing = join(tmp, 'nosuch.json');
    expect(() => loadPlatformFile(missing, { file: 'w.json', path: '/platform' })).toThrow(`w.json at /platform: platform file ${missing}: cannot read: ENOENT`);
    expect(() => loadPlatformFile(missing)).toThrow(`${missing}: cannot read: ENOENT`);
  });

  it('bad content stays the platform file\'s own fault', () => {
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, '{"name": ');
    expect(() => loadPlatformFile(bad, { file: 'w.json', path: '/platform' })).toThrow(new RegExp(`^${bad}: malformed JSON`));
  });
});

describe('a workload naming a platform file that is not there', () => {
  it('is reported at the workload file and its /platform field', () => {
    const file = join(tmp, 'w.json');
    const w = JSON.parse(readFileSync('examples/workloads/camera-isp-display.json', 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...w, platform: 'nosuch.json' }));
    const r = heapwise(['simulate', '--workload', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file} at /platform: platform file ${join(tmp, 'nosuch.json')}: cannot read`);
  });
});
