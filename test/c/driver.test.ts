// The C driver's command line (bindings/c/build/heapwise-c): exit codes and messages as the
// README and the Node CLI give them. The kernel backend's refusals and the request checks are
// compared with the Node host's own functions (host/backend/availability.ts,
// host/input/request.ts), so the two hosts say the same thing.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kernelRefusal } from '../../host/backend/availability.js';
import { loadRequestFile } from '../../host/input/request.js';
import { loadPlatformFile } from '../../host/platform/parse.js';
import { probe } from '../../host/probe/probe.js';
import { loadWorkloadFile } from '../../host/simulate/workload.js';
import { buildC, DRIVER, ROOT } from './helpers.js';
import { spawnSync } from 'node:child_process';

const tmp = mkdtempSync(join(tmpdir(), 'heapwise-driver-'));
const WORKLOAD = join(ROOT, 'examples', 'workloads', 'camera-isp-display.json');
const RPI4 = join(ROOT, 'examples', 'platforms', 'rpi4.json');

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(DRIVER, args, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function write(name: string, content: unknown): string {
  const f = join(tmp, name);
  writeFileSync(f, typeof content === 'string' ? content : JSON.stringify(content));
  return f;
}

beforeAll(() => buildC(), 600_000);

describe('--backend kernel: refused before running when the machine lacks a node (exit 6)', () => {
  it.skipIf(existsSync('/dev/dma_heap'))('a machine without /dev/dma_heap: the Node CLI\'s message, nothing run', () => {
    const out = join(tmp, 'refused.jsonl');
    const r = run(['--workload', WORKLOAD, '--backend', 'kernel', '--record', out]);
    expect(r.status, r.stderr).toBe(6);
    expect(r.stderr).toBe('heapwise-c: kernel backend: no /dev/dma_heap on this machine (a kernel without CONFIG_DMABUF_HEAPS, or not Linux); use --backend model\n');
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });

  it('the model backend runs every event of the same workload', () => {
    const r = run(['--workload', WORKLOAD]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^heapwise-c: 3376 events, policy default /);
  });

  // A stand-in for /dev (HEAPWISE_C_DEV_DIR): each case must give the Node host's refusal for
  // the same directory, word for word.
  const platform = {
    name: 'nodes',
    heaps: [{ name: 'system' }, { name: 'linux,cma', size: 16777216 }, { name: 'udmabuf' }],
    devices: [{ name: 'gpu', dmaMaskBits: 64, iommu: true, coherent: false }],
  };
  const udmabufOnly = { ...platform, name: 'udmabuf-only', heaps: [{ name: 'udmabuf' }] };
  /** A dev directory holding `entries` (files, or directories for names ending in "/"). */
  function devDir(name: string, entries: string[]): string {
    const dir = join(tmp, 'dev', name);
    mkdirSync(dir, { recursive: true });
    for (const e of entries) {
      if (e.endsWith('/')) mkdirSync(join(dir, e), { recursive: true });
      else {
        mkdirSync(join(dir, e, '..'), { recursive: true });
        writeFileSync(join(dir, e), '');
      }
    }
    return dir;
  }
  function workloadOn(p: typeof platform): string {
    const dir = join(tmp, `w-${p.name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'platform.json'), JSON.stringify(p));
    writeFileSync(join(dir, 'workload.json'), JSON.stringify({ platform: 'platform.json', setup: [{ op: 'alloc', buf: 'a', size: 4096, devices: ['gpu'], cpu: 'none' }] }));
    return dir;
  }
  const cases: [string, typeof platform, string[], string][] = [
    ['no dma_heap directory', platform, [], 'no DEV/dma_heap on this machine'],
    ['a platform heap without its node while others exist', platform, ['dma_heap/system', 'udmabuf'], 'platform nodes heap linux,cma has no DEV/dma_heap/linux,cma on this machine (present: system, udmabuf)'],
    ['udmabuf heaps need /dev/udmabuf', udmabufOnly, [], 'platform udmabuf-only heap udmabuf has no DEV/udmabuf on this machine (present: none)'],
    ['udmabuf heaps need /dev/udmabuf besides the heap nodes', platform, ['dma_heap/system', 'dma_heap/linux,cma'], 'heap udmabuf has no DEV/udmabuf on this machine (present: linux,cma, system)'],
    ['a node that cannot be opened', platform, ['dma_heap/system/', 'dma_heap/linux,cma', 'udmabuf'], 'platform nodes heap system: DEV/dma_heap/system cannot be opened (EISDIR;'],
  ];
  it.each(cases)('%s', (name, p, entries, expected) => {
    const dev = devDir(name.replace(/\W+/g, '-'), entries);
    const dir = workloadOn(p);
    const r = run(['--workload', join(dir, 'workload.json'), '--backend', 'kernel'], { HEAPWISE_C_DEV_DIR: dev });
    expect(r.status, r.stderr).toBe(6);
    expect(r.stderr).toContain(expected.replaceAll('DEV', dev));
    const why = kernelRefusal(loadPlatformFile(join(dir, 'platform.json')), probe({ devDir: dev }));
    expect(r.stderr).toBe(`heapwise-c: kernel backend: ${why}; use --backend model\n`);
  });

  it('a stand-in dev directory that passes is still refused: the library opens /dev', () => {
    const dev = devDir('complete', ['dma_heap/system', 'dma_heap/linux,cma', 'udmabuf']);
    expect(kernelRefusal(loadPlatformFile(join(workloadOn(platform), 'platform.json')), probe({ devDir: dev }))).toBeNull();
    const r = run(['--workload', join(workloadOn(platform), 'workload.json'), '--backend', 'kernel'], { HEAPWISE_C_DEV_DIR: dev });
    expect(r.status, r.stderr).toBe(6);
    expect(r.stderr).toContain('the library opens the nodes under /dev');
  });
});

describe('command line', () => {
  it.each([['--help'], ['-h']])('%s prints the usage on stdout and exits 0', (flag) => {
    const r = run([flag]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: heapwise-c --workload W/);
    expect(r.stderr).toBe('');
  });

  it('the usage says there is no coherency referee (never exit 4) and lists exit 6', () => {
    const r = run(['--help']);
    expect(r.stdout).toContain('No coherency referee runs here: the driver never reports violations and never exits 4');
    expect(r.stdout).toContain('6 kernel or system unavailable');
  });

  const cases: [string, string[], string][] = [
    ['a missing trace to replay', ['--replay', '/nonexistent'], 'heapwise-c: /nonexistent: cannot read trace: No such file or directory\n'],
    ['a directory as the trace to replay', ['--replay', tmpdir()], `heapwise-c: ${tmpdir()}: cannot read trace: Is a directory\n`],
    ['a trace to record in a missing directory', ['--workload', WORKLOAD, '--record', '/nonexistent/x.jsonl'], 'heapwise-c: /nonexistent/x.jsonl: cannot write trace: No such file or directory\n'],
    ['--workload with --replay', ['--workload', WORKLOAD, '--replay', '/nonexistent'], 'heapwise-c: --workload and --replay do not go together (heapwise-c --help)\n'],
    ['--replay with --platform', ['--replay', '/nonexistent', '--platform', RPI4], 'heapwise-c: --replay and --platform do not go together (heapwise-c --help)\n'],
    ['--record with --replay', ['--replay', '/nonexistent', '--record', 'x.jsonl'], 'heapwise-c: --record and --replay do not go together (heapwise-c --help)\n'],
    ['--candidate with --workload', ['--workload', WORKLOAD, '--candidate', 'x.so'], 'heapwise-c: --candidate and --workload do not go together (heapwise-c --help)\n'],
    ['--platform without --request', ['--platform', RPI4], 'heapwise-c: --platform needs --request R (the request to decide) (heapwise-c --help)\n'],
    ['--request without --platform', ['--request', 'req.json'], 'heapwise-c: --request needs --platform P (the platform to decide on) (heapwise-c --help)\n'],
    ['an unknown option', ['--workload', WORKLOAD, '--frobnicate'], 'heapwise-c: unknown option --frobnicate (heapwise-c --help)\n'],
    ['an option without its value', ['--workload'], 'heapwise-c: --workload needs a value (heapwise-c --help)\n'],
    ['an unknown backend', ['--workload', WORKLOAD, '--backend', 'gpu'], 'heapwise-c: --backend must be model or kernel, got gpu\n'],
  ];
  it.each(cases)('%s: exit 2 naming it', (_name, args, message) => {
    const r = run(args);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toBe(message);
  });

  it('no mode at all: exit 2 naming the choices, with the usage', () => {
    const r = run([]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^heapwise-c: nothing to do: give --workload, --replay, --platform with --request, or --bench-decide\nusage:/);
  });
});

describe('--platform P --request R: the request is checked as the Node host checks it (exit 2)', () => {
  const ok = { size: 4096, devices: ['isp'], cpu: 'none' };
  const cases: [string, unknown][] = [
    ['cpu not one of the four', { ...ok, cpu: 'bogus' }],
    ['cpu not a string', { ...ok, cpu: 7 }],
    ['cpu missing', { size: 4096, devices: ['isp'] }],
    ['size missing', { devices: ['isp'], cpu: 'none' }],
    ['an unknown key', { ...ok, colour: 'red' }],
    ['a name that is not a string', { ...ok, name: 7 }],
    ['a device that is not a string', { ...ok, devices: [5] }],
    ['devices not an array', { ...ok, devices: 'isp' }],
    ['no devices', { ...ok, devices: [] }],
    ['an empty device name', { ...ok, devices: [''] }],
    ['a device twice', { ...ok, devices: ['isp', 'hvs', 'v3d', 'hvs', 'isp'] }],
    ['an unknown device', { ...ok, devices: ['isp', 'gpu'] }],
    ['a negative size', { ...ok, size: -4096 }],
    ['size 0', { ...ok, size: 0 }],
    ['a fractional size', { ...ok, size: 4096.5 }],
    ['a size as a string', { ...ok, size: '4096' }],
    ['a size past 2^53', '{"size": 99999999999999999999, "devices": ["isp"], "cpu": "none"}'],
    ['a size over the engine\'s limit', { ...ok, size: 2 ** 31 }],
    ['protected not a boolean', { ...ok, protected: 'yes' }],
    ['a name over 31 characters', { ...ok, name: 'x'.repeat(32) }],
    ['a name over 31 bytes of UTF-8', { ...ok, name: 'é'.repeat(17) }],
    ['a name with a NUL', { ...ok, name: 'a\u0000b' }],
    ['not an object', [ok]],
    ['the schema before the platform: unknown key and unknown device', { ...ok, devices: ['gpu'], zzz: 1 }],
  ];
  it.each(cases)('%s', (name, content) => {
    const file = write(`req-${name.replace(/\W+/g, '-')}.json`, content);
    let expected = '';
    try {
      loadRequestFile(file, loadPlatformFile(RPI4));
    } catch (e) {
      expected = (e as Error).message;
    }
    expect(expected).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} at /`));
    const r = run(['--platform', RPI4, '--request', file]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toBe(`heapwise-c: ${expected}\n`);
    expect(r.stdout).toBe('');
  });

  it('the cases the review named, in so many words', () => {
    const at = (content: unknown) => run(['--platform', RPI4, '--request', write('req.json', content)]).stderr;
    const file = join(tmp, 'req.json');
    expect(at({ ...ok, cpu: 'bogus' })).toBe(`heapwise-c: ${file} at /cpu: must be equal to one of the allowed values: "none", "read", "write", "readwrite"\n`);
    expect(at({ ...ok, devices: [5] })).toBe(`heapwise-c: ${file} at /devices/0: must be string\n`);
    expect(at({ ...ok, size: -4096 })).toBe(`heapwise-c: ${file} at /size: must be >= 1\n`);
    expect(at({ ...ok, name: 7 })).toBe(`heapwise-c: ${file} at /name: must be string\n`);
    expect(at({ ...ok, extra: true })).toBe(`heapwise-c: ${file} at /: unknown property "extra"\n`);
  });

  it('unknown keys named in the order JavaScript walks them (array indices first), as Ajv names them', () => {
    const nodeSays = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    const rf = write('req-keys.json', '{"size": 4096, "devices": ["isp"], "cpu": "none", "zz": 1, "5": 2}');
    expect(nodeSays(() => loadRequestFile(rf, loadPlatformFile(RPI4)))).toBe(`${rf} at /: unknown property "5"`);
    expect(run(['--platform', RPI4, '--request', rf]).stderr).toBe(`heapwise-c: ${rf} at /: unknown property "5"\n`);
    const wf = write('wl-keys.json', `{"platform": ${JSON.stringify(RPI4)}, "setup": [{"op": "free", "buf": "a", "zz": 1, "10": 2, "7": 3}]}`);
    expect(nodeSays(() => loadWorkloadFile(wf))).toBe(`${wf} at /setup/0: unknown property "7"`);
    expect(run(['--workload', wf]).stderr).toBe(`heapwise-c: ${wf} at /setup/0: unknown property "7"\n`);
  });

  it('a platform file whose path has " at /" in it is still a whole file, as in Node', () => {
    const dir = join(tmp, 'x at ', 'q');
    mkdirSync(dir, { recursive: true });
    const pf = join(dir, 'p.json');
    writeFileSync(pf, readFileSync(RPI4, 'utf8').replace('"heaps"', '"heapz"'));
    const message = `${pf} at /: must have required property 'heaps'`;
    expect(() => loadPlatformFile(pf)).toThrow(message);
    const r = run(['--platform', pf, '--request', join(ROOT, 'examples/requests/rpi4-camera-frame.json')]);
    expect(r.stderr).toBe(`heapwise-c: ${message}\n`);
  });

  it('a workload that cannot be read: named, with why (no jansson "line -1")', () => {
    const file = join(tmp, 'no-such-workload.json');
    let r = run(['--workload', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`heapwise-c: ${file}: cannot read workload: No such file or directory\n`);
    r = run(['--workload', tmp]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`heapwise-c: ${tmp}: cannot read workload: it is a directory\n`);
  });

  // Found by the sanitized JSON fuzz (test/c/sanitized.test.ts): both hosts now say the same.
  it('a workload naming a platform file that cannot be read: the workload at /platform is at fault, as in Node', () => {
    for (const platform of ['no-such-platform.json', '/', 'x'.repeat(300), `/${'d/'.repeat(2100)}p.json`]) {
      const file = write('wl-bad-platform.json', { platform, setup: [] });
      let expected = '';
      try {
        loadWorkloadFile(file);
      } catch (e) {
        expected = (e as Error).message;
      }
      const r = run(['--workload', file]);
      expect(r.status, r.stderr).toBe(2);
      expect(expected.startsWith(`${file} at /platform: platform file`), expected).toBe(true);
      // Past PATH_MAX Node says ENAMETOOLONG; C refuses the path before it could be cut short.
      if (platform.length < 4096) expect(r.stderr).toBe(`heapwise-c: ${expected}\n`);
      else expect(r.stderr).toBe(`heapwise-c: ${file} at /platform: platform file path longer than 4095 bytes\n`);
    }
  });

  it('a platform with no devices: the request\'s device is unknown and the message says "no devices", as in Node', () => {
    const bare = write('bare-platform.json', { name: 'bare', heaps: [{ name: 'system' }], devices: [] });
    const req = write('req-bare.json', { size: 4096, devices: ['isp'], cpu: 'none' });
    expect(() => loadRequestFile(req, loadPlatformFile(bare))).toThrow(`${req} at /devices/0: unknown device "isp" (platform bare has no devices)`);
    const r = run(['--platform', bare, '--request', req]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toBe(`heapwise-c: ${req} at /devices/0: unknown device "isp" (platform bare has no devices)\n`);
  });

  // A NUL escape is valid JSON: free text may carry one, a name may not (names travel as C
  // strings and heap names as /dev/dma_heap paths). Both hosts refuse it at the same field.
  const rpi4 = JSON.parse(readFileSync(RPI4, 'utf8'));
  const withNul: [string, (p: typeof rpi4) => void][] = [
    ['/name', (p) => { p.name = 'rp\u0000i4'; }],
    ['/heaps/0/name', (p) => { p.heaps[0].name = 'linux,cma\u0000x'; }],
    ['/devices/1/name', (p) => { p.devices[1].name = 'isp\u0000x'; }],
    ['/devices/0/preferredHeaps/0', (p) => { p.devices[0].preferredHeaps = ['linux,cma\u0000']; }],
  ];
  it.each(withNul)('a platform name with a NUL at %s: refused there, as in Node', (at, change) => {
    const p = structuredClone(rpi4);
    change(p);
    const file = write('nul-platform.json', p);
    expect(() => loadPlatformFile(file)).toThrow(`${file} at ${at}: `);
    let expected = '';
    try {
      loadPlatformFile(file);
    } catch (e) {
      expected = (e as Error).message;
    }
    const r = run(['--platform', file, '--request', join(ROOT, 'examples', 'requests', 'rpi4-camera-frame.json')]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toBe(`heapwise-c: ${expected}\n`);
  });

  // Found reading the change: Ajv checks an array's items before their uniqueness.
  it('preferredHeaps with a duplicate and a non-string: the item first, as in Node', () => {
    const p = structuredClone(rpi4);
    p.devices[0].preferredHeaps = ['linux,cma', 'linux,cma', 5];
    const file = write('dup-pref-platform.json', p);
    expect(() => loadPlatformFile(file)).toThrow(`${file} at /devices/0/preferredHeaps/2: must be string`);
    const r = run(['--platform', file, '--request', join(ROOT, 'examples', 'requests', 'rpi4-camera-frame.json')]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toBe(`heapwise-c: ${file} at /devices/0/preferredHeaps/2: must be string\n`);
  });

  it('a NUL in free text (sources, a description) is accepted by both hosts', () => {
    const p = structuredClone(rpi4);
    p.sources.push('a\u0000b');
    p.devices[0].description = 'x\u0000y';
    const file = write('nul-text-platform.json', p);
    expect(loadPlatformFile(file).devices[0]!.name).toBe('unicam');
    const r = run(['--platform', file, '--request', join(ROOT, 'examples', 'requests', 'rpi4-camera-frame.json')]);
    expect(r.status, r.stderr).toBe(0);
  });

  it('a missing request file: cannot read, naming it', () => {
    const file = join(tmp, 'no-such-req.json');
    const r = run(['--platform', RPI4, '--request', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`heapwise-c: ${file}: cannot read: No such file or directory\n`);
  });

  it('malformed JSON: the line and column, as the Node host counts them', () => {
    const file = write('req-malformed.json', '{"size": 4096,\n  "devices": [,]}');
    const r = run(['--platform', RPI4, '--request', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^heapwise-c: ${file.replace(/[.]/g, '\\.')}: malformed JSON at line 2 column 15: `));
  });

  it('a malformed workload: the line and column in the words of the other input files, as Node says them', () => {
    const file = write('workload-malformed.json', '{"platform": "x.json",\n  "setup": [,]}');
    const r = run(['--workload', file]);
    expect(r.status).toBe(2);
    let node = '';
    try {
      loadWorkloadFile(file);
    } catch (e) {
      node = (e as Error).message;
    }
    const at = /^.*: malformed JSON at line \d+ column \d+: /.exec(node)?.[0];
    expect(at).toBe(`${file}: malformed JSON at line 2 column 13: `);
    expect(r.stderr.startsWith(`heapwise-c: ${at}`), r.stderr).toBe(true);
  });

  it('a repeated key is refused where jansson stops, as the Node host refuses it', () => {
    const file = write('req-twice.json', '{"size": 1, "size": 8192, "devices": ["hvs", "isp"]}');
    const r = run(['--platform', RPI4, '--request', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`heapwise-c: ${file}: malformed JSON at line 1 column 18: duplicate object key near '"size"'\n`);
  });

  it('valid requests still decide: 1e3 is an integer', () => {
    for (const content of ['{"size": 1e3, "devices": ["isp"], "cpu": "read"}', '{"size": 8192, "devices": ["hvs", "isp"], "cpu": "none", "protected": false, "name": "ok"}']) {
      const r = run(['--platform', RPI4, '--request', write('req-valid.json', content)]);
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).heap).toEqual(expect.any(String));
    }
  });
});
