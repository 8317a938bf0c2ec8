// Bad platforms and requests: an InputError naming the file and the JSON path of the fault.
import { describe, it, expect } from 'vitest';
import { parsePlatform } from '../../host/platform/parse.js';
import { parseRequest } from '../../host/input/request.js';
import { parseJson } from '../../host/input/json-file.js';
import { InputError } from '../../host/errors.js';
import { platform, SOC } from '../support/platforms.js';

const bad = (fn: () => unknown, path: string, msg: RegExp) => {
  let err: unknown;
  try { fn(); } catch (e) { err = e; }
  expect(err).toBeInstanceOf(InputError);
  expect((err as InputError).path).toBe(path);
  expect((err as Error).message).toMatch(msg);
  expect((err as Error).message.startsWith('p.json')).toBe(true);
};

describe('platform validation', () => {
  it('infers kinds from the kernel naming rules and fills defaults per kind', () => {
    const p = platform({
      name: 'x',
      heaps: [
        { name: 'system' }, { name: 'system-uncached' }, { name: 'default_cma_region' }, { name: 'reserved' },
        { name: 'linux,cma' }, { name: 'default-pool' }, { name: 'memory@42000000-contiguous' },
        { name: 'protected,secure-video' }, { name: 'vframe-secure' }, { name: 'linux,cma-uncached' }, { name: 'udmabuf' },
      ],
      devices: [],
    });
    expect(p.heaps.map((h) => h.kind)).toEqual(['system', 'system-uncached', 'cma', 'cma', 'cma', 'cma', 'cma', 'protected', 'protected', 'cma', 'udmabuf']);
    expect(p.heaps[1]).toMatchObject({ contiguous: false, cached: false, cpuAccess: true, maxAddressBits: 64, size: 0, granule: 1 });
    expect(p.heaps[7]).toMatchObject({ contiguous: true, cached: false, cpuAccess: false });
    expect(p.heaps[9]).toMatchObject({ kind: 'cma', cached: false });
  });

  it.each([
    [{ ...SOC, heaps: [{ name: 'ion-carveout-7' }] }, '/heaps/0', /kind/],
    [{ ...SOC, heaps: [{ name: 'system' }, { name: 'system' }] }, '/heaps/1/name', /duplicate heap name "system"/],
    [{ ...SOC, devices: [{ name: 'a', dmaMaskBits: 32, iommu: true, coherent: false, preferredHeaps: ['nope'] }] }, '/devices/0/preferredHeaps/0', /unknown heap "nope"/],
    [{ ...SOC, devices: [{ name: 'a', dmaMaskBits: 'x', iommu: true, coherent: false }] }, '/devices/0/dmaMaskBits', /integer/],
    [{ ...SOC, heaps: [{ name: 'system', kind: 'magic' }] }, '/heaps/0/kind', /must be equal to one of the allowed values|allowed/],
    [{ ...SOC, surprise: 1 }, '/', /unknown property "surprise"/],
    [{ name: 'x', heaps: [] }, '/', /devices/],
  ])('refuses %#', (json, path, msg) => {
    bad(() => parsePlatform(json, 'p.json'), path, msg);
  });

  it('malformed JSON names the line and column', () => {
    bad(() => parseJson('{\n  "name": "x",\n  "heaps": [,]\n}', 'p.json'), '', /line 3 column 13/);
  });
});

describe('request validation', () => {
  const p = platform(SOC);
  it.each([
    [{ size: 0, devices: ['isp'], cpu: 'none' }, '/size', /must be >= 1|minimum/],
    [{ size: 10, devices: [], cpu: 'none' }, '/devices', /fewer than 1|minItems/],
    [{ size: 10, devices: ['isp', 'ghost'], cpu: 'none' }, '/devices/1', /unknown device "ghost" \(platform soc has csi, isp, gpu, pcie, vpu\)/],
    [{ size: 10, devices: ['isp'], cpu: 'sometimes' }, '/cpu', /allowed/],
    [{ size: 10, devices: ['isp'], cpu: 'none', name: 'x'.repeat(32) }, '/name', /31/],
    [{ size: 10, devices: ['isp'], cpu: 'none', name: 'é'.repeat(16) }, '/name', /32 bytes/],
  ])('refuses %#', (json, path, msg) => {
    bad(() => parseRequest(json, p, 'p.json'), path, msg);
  });
});
