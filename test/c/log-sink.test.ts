// The log sink at its edges (test/c/fixtures/logger.wat: lines across writes, EBADF, EFAULT,
// ill-formed UTF-8, byte order marks, partial lines completed by a later call, a line taken
// just before a trap) recorded by the Node host and by the C host: the same trace, byte for
// byte, but for what is each host's own (the header's host, the fallback's path in the swap
// line, and the fault message after "hw_event trapped": the module label and the engine's words
// for the trap, V8's "Offset is outside the bounds of the DataView" against wasm2c's "memory
// access out of bounds"). Each host replays the other's trace.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordSession } from '../cross-host/session.js';
import { replay } from '../../host/trace/replay.js';
import { PolicyModule } from '../../host/module/policy-module.js';
import { buildC, C_BUILD, ROOT, DRIVER } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'heapwise-log-sink-'));
const WORKLOAD = join(ROOT, 'test', 'c', 'fixtures', 'logger.json');
const DEFAULT = join(ROOT, 'policies', 'default', 'build', 'default.wasm');

/** The lines with each host's own names replaced by what the other host writes. */
const normalized = (lines: string[]) => lines.map((l) => l
  .replace('"host":"c"', '"host":"node"')
  .replace(/("t":"fault".*"message":"policy module )logger\.(so|wasm)(: hw_event trapped): [^"]*"/, '$1logger$3: (the engine\'s words)"')
  .replace(/("t":"swap".*"path":)(null|"default\.wasm")/, '$1"(fallback)"'));

let node: string[];
let c: string[];

beforeAll(async () => {
  buildC();
  // Both hosts see the module beside the traces under its own name, with a relative label.
  copyFileSync(join(C_BUILD, 'wasm', 'logger.wasm'), join(tmp, 'logger.wasm'));
  copyFileSync(join(C_BUILD, 'policies', 'logger.so'), join(tmp, 'logger.so'));
  node = await recordSession({ workload: WORKLOAD, policy: join(tmp, 'logger.wasm'), log: true, fallback: DEFAULT, host: 'node' });
  writeFileSync(join(tmp, 'node.jsonl'), `${node.join('\n')}\n`);
  const r = spawnSync(DRIVER, ['--workload', WORKLOAD, '--policy', 'logger.so', '--log', '--fallback', 'default', '--record', 'c.jsonl', '--trace-policy-path', ''],
    { cwd: tmp, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  c = readFileSync(join(tmp, 'c.jsonl'), 'utf8').split('\n').filter((l) => l);
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the log sink in the Node and C hosts', () => {
  it('writes the same log lines, in the same places, with the same answers and fault', () => {
    expect(node.filter((l) => l.startsWith('{"t":"log"'))).toHaveLength(7);
    const first = normalized(c).findIndex((l, i) => l !== normalized(node)[i]);
    expect({ first, c: c[first] ?? null, node: node[first] ?? null }).toEqual({ first: -1, c: null, node: null });
    expect(c.length).toBe(node.length);
  });

  it('the C host replays the Node trace, and Node replays the C trace', async () => {
    const r = spawnSync(DRIVER, ['--replay', 'node.jsonl', '--policy', 'logger.so', '--log'], { cwd: tmp, encoding: 'utf8' });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    expect(r.stdout).toBe(`identical: ${node.filter((l) => l.startsWith('{"t":"event"')).length} events\n`);
    const report = await replay(join(tmp, 'c.jsonl'));
    expect(report.divergence).toBeNull();
    expect(report.identical).toBe(true);
  });

  it('the module beside the traces is the one they name', () => {
    const sha = PolicyModule.sha256(readFileSync(join(tmp, 'logger.wasm')));
    expect(JSON.parse(c[0]!).policy.sha256).toBe(sha);
    expect(JSON.parse(node[0]!).policy.sha256).toBe(sha);
  });
});
