// Misused commands are bad input (exit 2): one line naming the fault and the --help to read.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { heapwise } from '../support/cli.js';
import { ROOT } from '../support/modules.js';

describe('usage errors', () => {
  const cases: [string[], RegExp][] = [
    [[], /^heapwise: missing command \(see heapwise --help\)\n$/],
    [['decide', '--platform', 'X'], /^heapwise: required option '--request <file>' not specified \(see heapwise decide --help\)\n$/],
    [['frobnicate'], /^heapwise: unknown command 'frobnicate' \(see heapwise --help\)\n$/],
    [['trace', 'foo'], /^heapwise: unknown command 'foo' \(see heapwise trace --help\)\n$/],
    [['trace'], /^heapwise: missing command \(see heapwise trace --help\)\n$/],
    [['simulate', '--backend', 'foo'], /^heapwise: option '--backend <name>' argument 'foo' is invalid\. Allowed choices are model, kernel\. \(see heapwise simulate --help\)\n$/],
    [['compile', 'x.wasm'], /^heapwise: required option '-o, --output <so>' not specified \(see heapwise compile --help\)\n$/],
    [['help', 'frobnicate'], /^heapwise: unknown command 'frobnicate' \(see heapwise --help\)\n$/],
    [['--bogus'], /^heapwise: unknown option '--bogus' \(see heapwise --help\)\n$/],
  ];
  for (const [args, message] of cases) {
    it(`heapwise ${args.join(' ') || '(no arguments)'}: exit 2, one line`, () => {
      const r = heapwise(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
    });
  }

  it('help asked for is exit 0 on stdout', () => {
    for (const args of [['--help'], ['decide', '--help'], ['help', 'decide']]) {
      const r = heapwise(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/^Usage: heapwise/);
    }
  });

  it('the --help exit codes say what the README says (less its parentheses)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    const sentence = /Exit codes: (0 ok,[^.]*\.)/.exec(readme.replace(/ \([^)]*\)/g, ''))![1];
    const help = heapwise(['--help']).stdout.replace(/\s+/g, ' ');
    expect(help).toContain(`Exit codes: ${sentence}`);
    expect(help).toContain('4 coherency violations or failed checks');
  });
});

describe('explain arguments', () => {
  it('refuses --trace with --platform or --request (exit 2)', () => {
    const r = heapwise(['explain', '--trace', 'nosuch.jsonl', '--event', '0', '--platform', 'examples/platforms/rpi4.json', '--request', 'examples/requests/rpi4-camera-frame.json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('heapwise: --trace cannot be combined with --platform or --request (explain one or the other) (see heapwise explain --help)\n');
  });

  it('refuses a missing subject or a --trace without --event (exit 2)', () => {
    expect(heapwise(['explain']).stderr).toMatch(/give --platform and --request, or --trace and --event \(see heapwise explain --help\)/);
    const r = heapwise(['explain', '--trace', 'nosuch.jsonl']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/explain --trace needs --event N/);
  });
});

describe('demo arguments', () => {
  it('checks --workload and --board before printing anything (exit 2)', () => {
    let r = heapwise(['demo', '--workload', 'nosuch']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^heapwise: --workload nosuch: no such bundled workload \(one of .*camera-isp-display.*\) \(see heapwise demo --help\)\n$/);
    r = heapwise(['demo', '--board', 'nosuch']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/--board nosuch: no such bundled board \(one of .*rpi4/);
  });
});

describe('the shell around the commands', () => {
  it('--version prints the package version, exit 0', () => {
    const r = heapwise(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  });

  it('output piped into a reader that has gone (EPIPE) ends quietly, exit 0', () => {
    // `true` exits at once, long before node writes: every write meets a closed pipe.
    const r = spawnSync('sh', ['-c', `"${process.execPath}" bin/heapwise.js demo | true`], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
  });
});
