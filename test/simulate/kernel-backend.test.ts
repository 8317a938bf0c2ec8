// simulate --backend kernel refuses, before running anything, a machine that lacks a node the
// platform's heaps need: exit 6, instead of a "successful" session of ENOENT failures.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kernelRefusal, KernelUnavailableError, EXIT_UNAVAILABLE } from '../../host/backend/availability.js';
import { createBackend } from '../../host/cli/backend-choice.js';
import { parsePlatform } from '../../host/platform/parse.js';
import type { ProbedNode, ProbeResult } from '../../host/probe/probe.js';
import { heapwise } from '../support/cli.js';

const platform = parsePlatform({
  name: 'board',
  heaps: [{ name: 'system' }, { name: 'linux,cma', size: 1 << 26 }, { name: 'udmabuf' }],
  devices: [{ name: 'gpu', dmaMaskBits: 40, iommu: true, coherent: false }],
}, 'board.json');

const node = (name: string, access = 'ok'): ProbedNode => ({ name, path: `/dev/dma_heap/${name}`, kind: null, access });
const machine = (m: Partial<ProbeResult>): ProbeResult => ({ devDir: '/dev', heapDirPresent: true, heaps: [], udmabuf: null, cma: [], ...m });

describe('kernelRefusal', () => {
  it('no /dev/dma_heap at all', () => {
    expect(kernelRefusal(platform, machine({ heapDirPresent: false }))).toMatch(/^no \/dev\/dma_heap on this machine \(/);
  });

  it('a platform heap without its node, while others exist: names the node and what is there', () => {
    const why = kernelRefusal(platform, machine({ heaps: [node('system'), node('reserved')], udmabuf: node('udmabuf') }));
    expect(why).toBe('platform board heap linux,cma has no /dev/dma_heap/linux,cma on this machine (present: system, reserved, udmabuf); every allocation from it would fail with ENOENT');
  });

  it('a udmabuf heap needs /dev/udmabuf', () => {
    expect(kernelRefusal(platform, machine({ heaps: [node('system'), node('linux,cma')] }))).toMatch(/heap udmabuf has no \/dev\/udmabuf/);
  });

  it('a node this user cannot open', () => {
    expect(kernelRefusal(platform, machine({ heaps: [node('system'), node('linux,cma', 'EACCES')], udmabuf: node('udmabuf') })))
      .toMatch(/heap linux,cma: \/dev\/dma_heap\/linux,cma cannot be opened \(EACCES; `heapwise probe` prints the udev rule\)/);
  });

  it('every node present and openable (as in the VM guest): no refusal', () => {
    expect(kernelRefusal(platform, machine({ heaps: [node('system'), node('linux,cma')], udmabuf: node('udmabuf') }))).toBeNull();
    const udmabufOnly = parsePlatform({ name: 'u', heaps: [{ name: 'udmabuf' }], devices: [{ name: 'd', dmaMaskBits: 40, iommu: true, coherent: false }] }, 'u.json');
    expect(kernelRefusal(udmabufOnly, machine({ heapDirPresent: false, udmabuf: node('udmabuf') }))).toBeNull();
  });
});

describe.skipIf(existsSync('/dev/dma_heap'))('on this machine (no /dev/dma_heap)', () => {
  it('createBackend refuses with KernelUnavailableError (exit 6)', async () => {
    const e = await createBackend('kernel', platform).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(KernelUnavailableError);
    expect((e as KernelUnavailableError).exitCode).toBe(EXIT_UNAVAILABLE);
    expect(EXIT_UNAVAILABLE).toBe(6);
  });

  it('simulate --backend kernel exits 6 before running: nothing on stdout, no trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'heapwise-sim-kernel-'));
    try {
      const r = heapwise(['simulate', '--workload', 'examples/workloads/software-render.json', '--backend', 'kernel', '--record', join(dir, 't.jsonl'), '--json']);
      expect(r.code, r.stderr).toBe(6);
      expect(r.stderr).toMatch(/^heapwise: kernel backend: no \/dev\/dma_heap on this machine \(.*\); use --backend model\n$/);
      expect(r.stdout).toBe('');
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
