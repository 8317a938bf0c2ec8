// test-policy: any module (debug or not, built here or not) against the bundled boards,
// requests and workloads: placement properties, the coherency referee, syncs against naive,
// and determinism. A vendor checks a module they did not build.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../engine/engine.js';
import { HeapwiseError } from '../errors.js';
import { loadRequestFile } from '../input/request.js';
import type { PolicyModule } from '../module/policy-module.js';
import { packageRoot } from '../paths.js';
import { loadPlatformFile } from '../platform/parse.js';
import { simulate } from '../simulate/run.js';
import { loadWorkloadFile } from '../simulate/workload.js';
import { TraceRecorder } from '../trace/recorder.js';
import { violatedConstraint } from './hard-constraints.js';

export interface CheckResult {
  check: string;
  subject: string;
  ok: boolean;
  detail: string;
}

export interface PolicyTestOptions {
  examples?: string;
  naive?: PolicyModule;
}

const boardOf = (request: string, boards: string[]) => boards.filter((b) => request.startsWith(`${b}-`)).sort((a, b) => b.length - a.length)[0];

export function testPolicy(mod: PolicyModule, opts: PolicyTestOptions = {}): CheckResult[] {
  const ex = opts.examples ?? join(packageRoot(), 'examples');
  const results: CheckResult[] = [];
  const boards = readdirSync(join(ex, 'platforms')).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
  for (const file of readdirSync(join(ex, 'requests')).filter((f) => f.endsWith('.json')).sort()) {
    const board = boardOf(file, boards);
    if (!board) continue;
    const subject = file.replace(/\.json$/, '');
    try {
      const p = loadPlatformFile(join(ex, 'platforms', `${board}.json`));
      const req = loadRequestFile(join(ex, 'requests', file), p);
      const e = Engine.create(mod, p, { fallback: null });
      const d = e.allocate({ ...req, deferred: false }).decision!;
      e.dispose();
      const bad = [d.heap, ...d.fallbacks].filter((h): h is string => !!h).map((h) => [h, violatedConstraint(p, req, p.heaps[p.heapIndex.get(h)!]!)] as const).filter(([, v]) => v);
      const rejectedAll = d.heap === null && d.rejected.length === p.heaps.length;
      const ok = bad.length === 0 && (d.heap !== null || rejectedAll);
      results.push({ check: 'placement', subject, ok, detail: ok ? (d.heap ? `${d.heap}${d.fallbacks.length ? ` then ${d.fallbacks.join(', ')}` : ''}` : 'nothing fits (every heap rejected with a reason)') : bad.length ? bad.map(([h, v]) => `${h} breaks: ${v}`).join('; ') : 'unplaced without a reason for every heap' });
    } catch (e) {
      if (!(e instanceof HeapwiseError)) throw e;
      results.push({ check: 'placement', subject, ok: false, detail: e.message });
    }
  }
  for (const file of readdirSync(join(ex, 'workloads')).filter((f) => f.endsWith('.json')).sort()) {
    const subject = file.replace(/\.json$/, '');
    try {
      const w = loadWorkloadFile(join(ex, 'workloads', file));
      const lines: string[][] = [[], []];
      const runs = [0, 1].map((k) => simulate(w, mod, { engineHook: (e) => { new TraceRecorder((l) => { if (l.startsWith('{"t":"answer"')) lines[k]!.push(l); }).attach(e, 'node'); } }));
      const r = runs[0]!;
      results.push({ check: 'coherency', subject, ok: r.violations.length === 0, detail: r.violations.length ? `${r.violations.length} violations, first: event ${r.violations[0]!.event} buffer ${r.violations[0]!.buf} ${r.violations[0]!.kind}` : '0 violations' });
      results.push({ check: 'syncs <= naive', subject, ok: r.syncs.issued <= r.syncs.naive, detail: `${r.syncs.issued} issued, naive ${r.syncs.naive}` });
      const same = lines[0]!.length === lines[1]!.length && lines[0]!.every((l, i) => l === lines[1]![i]);
      results.push({ check: 'deterministic', subject, ok: same, detail: same ? `${lines[0]!.length} answers identical over two runs` : 'two runs answered differently' });
    } catch (e) {
      if (!(e instanceof HeapwiseError)) throw e;
      results.push({ check: 'coherency', subject, ok: false, detail: e.message });
    }
  }
  return results;
}
