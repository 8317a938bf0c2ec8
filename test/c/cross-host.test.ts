// Cross-host test: the Node engine and the C engine run the same workloads with the same
// policies and must write byte-identical trace lines; the C host then replays both traces.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPolicyFile } from '../../host/module/load-file.js';
import { simulate } from '../../host/simulate/run.js';
import { loadWorkloadFile } from '../../host/simulate/workload.js';
import { TraceRecorder } from '../../host/trace/recorder.js';
import { buildC, C_BUILD, ROOT, runDriver } from './helpers.js';

const dirs = [join(ROOT, 'examples', 'workloads'), join(ROOT, 'test', 'c', 'fixtures')];
const workloads = dirs.flatMap((d) => (existsSync(d) ? readdirSync(d).filter((f) => f.endsWith('.json')).map((f) => join(d, f)) : []));
/** Node policy (a built-in name) and the C policy that must answer identically. */
const policies = [
  { node: 'default', c: 'default' },
  { node: 'naive', c: join(C_BUILD, 'policies', 'naive.so') },
];

const tmp = mkdtempSync(join(tmpdir(), 'heapwise-cross-'));

async function nodeTrace(workload: string, policy: string): Promise<string[]> {
  const w = loadWorkloadFile(workload);
  const mod = await loadPolicyFile(policy);
  const lines: string[] = [];
  let rec: TraceRecorder | null = null;
  try {
    simulate(w, mod, { engineHook: (engine) => { rec = new TraceRecorder((l) => lines.push(l)).attach(engine, 'node', null); } });
  } finally {
    rec!.finish();
  }
  return lines;
}

function cTrace(workload: string, policy: string, out: string): string[] {
  const r = runDriver(['--workload', workload, '--policy', policy, '--record', out]);
  expect(r.status, r.stderr).toBe(0);
  return readFileSync(out, 'utf8').split('\n').filter((l) => l.length > 0);
}

const ofType = (lines: string[], ...types: string[]) => lines.filter((l) => types.some((t) => l.startsWith(`{"t":"${t}"`)));

beforeAll(() => buildC());

describe.each(policies)('policy $node', ({ node, c }) => {
  it.each(workloads.map((w) => [w.slice(ROOT.length + 1), w]))('%s: Node and C write identical event and answer lines', async (_name, workload) => {
    const base = join(tmp, `${node}-${workload.replace(/[^a-z0-9]+/gi, '_')}`);
    const n = await nodeTrace(workload, node);
    const cl = cTrace(workload, c, `${base}.c.trace`);
    writeFileSync(`${base}.node.trace`, `${n.join('\n')}\n`);
    const nodeEvents = ofType(n, 'event', 'answer');
    const cEvents = ofType(cl, 'event', 'answer');
    expect(nodeEvents.length).toBeGreaterThan(0);
    // First differing line, for a readable failure rather than a huge array diff.
    const first = nodeEvents.findIndex((l, i) => l !== cEvents[i]);
    expect({ index: first, c: cEvents[first] ?? null }).toEqual({ index: -1, c: null });
    expect(cEvents.length).toBe(nodeEvents.length);
    // Calls, executed results (fds, errnos) and the end counts agree as well.
    expect(ofType(cl, 'call', 'result', 'end')).toEqual(ofType(n, 'call', 'result', 'end'));
    // C replay of both traces: exit 0 means every answer matched.
    for (const t of [`${base}.node.trace`, `${base}.c.trace`]) {
      const r = runDriver(['--replay', t, '--policy', c]);
      expect(r.status, `${t}\n${r.stdout}${r.stderr}`).toBe(0);
    }
  });
});

describe('replay', () => {
  it('reports the first divergence with exit 5 when another policy answers differently', async () => {
    const workload = join(ROOT, 'examples', 'workloads', 'software-render.json');
    const trace = join(tmp, 'divergence.trace');
    writeFileSync(trace, `${(await nodeTrace(workload, 'default')).join('\n')}\n`);
    const r = runDriver(['--replay', trace, '--policy', join(C_BUILD, 'policies', 'naive.so')]);
    expect(r.status).toBe(5);
    expect(r.stdout).toMatch(/^diverged at event \d+ \(line \d+\)\nexpected: \{"t":"answer".*\nactual: {3}\{"t":"answer"/);
  });

  it('refuses a truncated trace naming the file', async () => {
    const workload = join(ROOT, 'examples', 'workloads', 'deferred-placement.json');
    const lines = await nodeTrace(workload, 'default');
    const trace = join(tmp, 'truncated.trace');
    writeFileSync(trace, `${lines.slice(0, -1).join('\n')}\n`);
    const r = runDriver(['--replay', trace]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${trace} at line `);
    expect(r.stderr).toContain('truncated: no end line');
  });
});

describe('decide', () => {
  const requests = readdirSync(join(ROOT, 'examples', 'requests')).filter((f) => f.endsWith('.json'));
  it.each(requests)('%s: the C decision equals the Node decision', async (file) => {
    const { loadPlatformFile } = await import('../../host/platform/parse.js');
    const { loadRequestFile } = await import('../../host/input/request.js');
    const { Engine } = await import('../../host/engine/engine.js');
    const platformName = readdirSync(join(ROOT, 'examples', 'platforms')).map((p) => p.replace(/\.json$/, '')).filter((p) => file.startsWith(`${p}-`)).sort((a, b) => b.length - a.length)[0]!;
    const platformFile = join(ROOT, 'examples', 'platforms', `${platformName}.json`);
    const requestFile = join(ROOT, 'examples', 'requests', file);
    const platform = loadPlatformFile(platformFile);
    const engine = Engine.create(await loadPolicyFile('default'), platform);
    const buf = engine.allocate({ ...loadRequestFile(requestFile, platform), deferred: false });
    const expected = JSON.parse(JSON.stringify(buf.decision));
    engine.dispose();
    const r = runDriver(['--platform', platformFile, '--request', requestFile]);
    expect(r.status, r.stderr).toBe(expected.heap === null ? 3 : 0);
    expect(JSON.parse(r.stdout)).toEqual(expected);
  });
});
