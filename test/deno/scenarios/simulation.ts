// Workloads run through the engine with the coherency referee watching, optionally recorded as
// a trace: what the Deno and Node hosts must report identically.
import { loadWorkloadFile, simulate, type SimulationReport } from '../../../host/index.ts';
import { TraceRecorder } from '../../../host/trace/recorder.ts';
import { compilePolicy, type PolicyInput } from './policy_input.ts';

export async function simulateAll(input: { policy: PolicyInput; workloads: string[] }): Promise<SimulationReport[]> {
  const mod = await compilePolicy(input.policy);
  return input.workloads.map((w) => simulate(loadWorkloadFile(w), mod));
}

/** The trace lines of one workload, the header naming `host`. */
export async function recordTrace(input: { policy: PolicyInput; workload: string; host: string }): Promise<string[]> {
  const mod = await compilePolicy(input.policy);
  const lines: string[] = [];
  const recorders: TraceRecorder[] = [];
  simulate(loadWorkloadFile(input.workload), mod, {
    engineHook: (engine) => {
      recorders.push(new TraceRecorder((l) => lines.push(l)).attach(engine, input.host, input.policy.path));
    },
  });
  // simulate() disposes the engine; the end line closes the trace as `heapwise simulate --record` does.
  for (const r of recorders) r.finish();
  return lines;
}

/** recordTrace for several workloads at once (one Node process for all of them). */
export async function recordTraces(input: { policy: PolicyInput; workloads: string[]; host: string }): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const workload of input.workloads) out[workload] = await recordTrace({ policy: input.policy, workload, host: input.host });
  return out;
}
