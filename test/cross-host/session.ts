// One recorded session and one replay, as the Node and Deno hosts run them for the cross-host
// tests: the same file runs in-process under vitest (Node) and under `deno run` (deno-host.ts).
//
// The session is a workload file run by simulate() (bindings/c/tools/workload.c drives the C host
// the same way) with a fuel budget, the log capability and a fallback policy, so a module that
// runs out of fuel is replaced and the workload goes on.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { PolicyModule } from '../../host/module/policy-module.js';
import { loadWorkloadFile } from '../../host/simulate/workload.js';
import { simulate } from '../../host/simulate/run.js';
import { TraceRecorder } from '../../host/trace/recorder.js';
import { replay } from '../../host/trace/replay.js';

export interface SessionSpec {
  workload: string;
  /** The policy module (.wasm); its label in messages is its file name. */
  policy: string;
  fuel?: number;
  log?: boolean;
  /** The policy a fault switches to (.wasm), labelled by its file name; null: faults end the workload. */
  fallback?: string | null;
  /** The host name written in the header. */
  host: string;
}

async function compile(path: string, opts: { fuel?: number; log?: boolean }): Promise<PolicyModule> {
  return PolicyModule.compile(readFileSync(path), {
    label: basename(path), ...(opts.fuel ? { fuel: opts.fuel } : {}), ...(opts.log ? { logCapability: true } : {}),
  });
}

/** The trace lines of one session (header path null: replay finds the modules by sha256). */
export async function recordSession(spec: SessionSpec): Promise<string[]> {
  const mod = await compile(spec.policy, spec);
  const fallback = spec.fallback ? await compile(spec.fallback, { log: spec.log }) : null;
  const lines: string[] = [];
  let recorder: TraceRecorder | null = null;
  try {
    simulate(loadWorkloadFile(spec.workload), mod, {
      fallback,
      engineHook: (engine) => { recorder = new TraceRecorder((l) => lines.push(l)).attach(engine, spec.host, null); },
    });
  } finally {
    (recorder as TraceRecorder | null)?.finish();
  }
  return lines;
}

/** Replays a trace with the modules it names (found by sha256 beside it or among the package's). */
export async function replayTrace(file: string): Promise<{ identical: boolean; events: number; divergence: unknown }> {
  const r = await replay(file);
  return { identical: r.identical, events: r.events, divergence: r.divergence };
}
