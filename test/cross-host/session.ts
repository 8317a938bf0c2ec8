// One recorded session and one replay, as the Node and Deno hosts run them for the cross-host
// tests: the same file runs in-process under vitest (Node) and under `deno run` (deno-host.ts).
//
// The session is a workload file driven through an engine the way host/simulate/run.ts drives
// it (and bindings/c/tools/workload.c, for the C host), with what simulate() does not offer: a
// fuel budget, the log capability and a fallback policy, so a module that runs out of fuel is
// replaced and the workload goes on.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Engine } from '../../host/engine/engine.js';
import type { Buffer } from '../../host/engine/buffer.js';
import { PolicyModule } from '../../host/module/policy-module.js';
import { loadWorkloadFile, unroll, type BufId } from '../../host/simulate/workload.js';
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
  const w = loadWorkloadFile(spec.workload);
  const engine = Engine.create(mod, w.platform, { fallback });
  const lines: string[] = [];
  const recorder = new TraceRecorder((l) => lines.push(l)).attach(engine, spec.host, null);
  const live = new Map<BufId, Buffer>();
  const failed = new Set<BufId>();
  // A deferred buffer is placed at its first use; one that could not be placed is skipped.
  const usable = (id: BufId): Buffer | null => {
    if (failed.has(id)) return null;
    const buf = live.get(id)!;
    if (!buf.placed) {
      engine.place(buf);
      if (!buf.placed) { failed.add(id); return null; }
    }
    return buf;
  };
  try {
    for (const [, e] of unroll(w)) {
      switch (e.op) {
        case 'alloc': {
          failed.delete(e.buf);
          const buf = engine.allocate({
            size: e.size, devices: e.devices, cpu: e.cpu,
            ...(e.protected !== undefined ? { protected: e.protected } : {}),
            ...(e.name !== undefined ? { name: e.name } : {}),
            ...(e.deferred !== undefined ? { deferred: e.deferred } : {}),
          });
          live.set(e.buf, buf);
          if (!e.deferred && !buf.placed) failed.add(e.buf);
          break;
        }
        case 'attach':
          engine.attach(live.get(e.buf)!, e.device);
          break;
        case 'device': {
          const buf = usable(e.buf);
          if (!buf) break;
          engine.deviceBegin(buf, e.device, e.access);
          engine.deviceEnd(buf, e.device);
          break;
        }
        case 'cpu': {
          const buf = usable(e.buf);
          if (buf) engine.cpuAccess(buf, e.access);
          break;
        }
        case 'export': {
          const buf = usable(e.buf);
          if (buf) engine.export(buf);
          break;
        }
        case 'free':
          engine.free(live.get(e.buf)!);
          live.delete(e.buf);
          failed.delete(e.buf);
          break;
      }
    }
  } finally {
    engine.dispose();
    recorder.finish();
  }
  return lines;
}

/** Replays a trace with the modules it names (found by sha256 beside it or among the package's). */
export async function replayTrace(file: string): Promise<{ identical: boolean; events: number; divergence: unknown }> {
  const r = await replay(file);
  return { identical: r.identical, events: r.events, divergence: r.divergence };
}
