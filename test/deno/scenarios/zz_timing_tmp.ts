import { Engine, loadPlatformFile, loadPolicyFile, loadRequestFile, loadWorkloadFile, simulate } from '../../../host/index.ts';
import { examplePairs } from './decisions.ts';
export async function timing(input: { policy: string; rounds: number }): Promise<Record<string, number>> {
  const mod = await loadPolicyFile(input.policy);
  const pairs = examplePairs('examples').map((p) => { const pl = loadPlatformFile(p.platform); return { pl, req: loadRequestFile(p.request, pl) }; });
  const engines = pairs.map((p) => Engine.create(mod, p.pl));
  let n = 0;
  const run = (rounds: number) => { for (let r = 0; r < rounds; r++) pairs.forEach((p, i) => { const e = engines[i]!; const b = e.allocate({ ...p.req, deferred: false }); e.free(b); n++; }); };
  run(300); n = 0;
  const t0 = performance.now(); run(input.rounds); const t1 = performance.now();
  const w = loadWorkloadFile('examples/workloads/camera-isp-display.json');
  simulate(w, mod);
  const s0 = performance.now(); let ev = 0; for (let i = 0; i < 5; i++) ev += simulate(w, mod).events; const s1 = performance.now();
  return { usPerDecision: ((t1 - t0) * 1000) / n, usPerSimEvent: ((s1 - s0) * 1000) / ev };
}
