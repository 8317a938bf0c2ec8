// A request larger than the engine takes is a fault of the request file's /size.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRequest } from '../../host/input/request.js';
import { loadPlatformFile } from '../../host/platform/parse.js';
import { heapwise } from '../support/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'hw-request-'));
const platform = loadPlatformFile('examples/platforms/rpi4.json');

describe('request size against the engine limit', () => {
  it('decide names the file and /size (exit 2)', () => {
    const big = join(tmp, 'big.json');
    writeFileSync(big, JSON.stringify({ size: 9007199254740991, devices: ['unicam'], cpu: 'read' }));
    const r = heapwise(['decide', '--platform', 'examples/platforms/rpi4.json', '--request', big]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`heapwise: ${big} at /size: allocation of 9007199254740991 bytes exceeds the engine's limit of 1073741824 bytes (maxAllocationBytes)\n`);
  });

  it('parseRequest takes the limit of the engine the request is for', () => {
    const req = { size: 2 * 1024 ** 3, devices: ['unicam'], cpu: 'read' };
    expect(() => parseRequest(req, platform, 'r.json')).toThrow(/^r\.json at \/size: allocation of 2147483648 bytes exceeds/);
    expect(parseRequest(req, platform, 'r.json', { maxAllocationBytes: 4 * 1024 ** 3 }).size).toBe(2 * 1024 ** 3);
  });
});
