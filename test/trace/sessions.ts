// Test sessions recorded in both encodings at once: two recorders on one engine, so the binary
// trace and the JSON Lines one describe the very same session.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PolicyModule } from '../../host/module/policy-module.js';
import { simulate } from '../../host/simulate/run.js';
import { loadWorkloadFile } from '../../host/simulate/workload.js';
import { BinaryEncoder } from '../../host/trace/binary-encoder.js';
import { TraceRecorder } from '../../host/trace/recorder.js';
import { EXAMPLES } from '../support/platforms.js';

export const WORKLOADS = ['camera-isp-display', 'cma-exhaustion', 'decode-compose-display', 'deferred-placement', 'export-midstream', 'protected-playback', 'software-render'];

export interface SessionOptions {
  /** Header path of the module (default its label; null: replay finds it by sha256). */
  path?: string | null;
  /** Policy a fault switches to. */
  fallback?: PolicyModule;
}

/** Simulates a workload (a bundled one's name, or a path) under `mod`, writing `<dir>/<stem>.hwtrace` and `.jsonl`. */
export function recordBoth(dir: string, stem: string, workload: string, mod: PolicyModule, opts: SessionOptions = {}): { binary: string; jsonl: string; text: string } {
  const lines: string[] = [];
  const chunks: Uint8Array[] = [];
  const recs: TraceRecorder[] = [];
  const path = opts.path === undefined ? mod.label : opts.path;
  simulate(loadWorkloadFile(workload.endsWith('.json') ? workload : join(EXAMPLES, 'workloads', `${workload}.json`)), mod, {
    ...(opts.fallback ? { fallback: opts.fallback } : {}),
    engineHook: (e) => {
      recs.push(new TraceRecorder((l) => lines.push(l)).attach(e, 'node', path));
      recs.push(new TraceRecorder(new BinaryEncoder((c) => chunks.push(c.slice()))).attach(e, 'node', path));
    },
  });
  for (const r of recs) r.finish();
  const text = lines.map((l) => `${l}\n`).join('');
  const binary = join(dir, `${stem}.hwtrace`);
  const jsonl = join(dir, `${stem}.jsonl`);
  writeFileSync(binary, Buffer.concat(chunks));
  writeFileSync(jsonl, text);
  return { binary, jsonl, text };
}
