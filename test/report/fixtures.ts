// Inputs for the report tests: bundled workloads, a recorded trace, and a workload whose every
// name is markup (to prove the page escapes what input files say).
import { join } from 'node:path';
import type { PolicyModule } from '../../host/module/policy-module.js';
import { simulate } from '../../host/simulate/run.js';
import { loadWorkloadFile, parseWorkload, type Workload } from '../../host/simulate/workload.js';
import { TraceFile } from '../../host/trace/file-sink.js';
import { TraceRecorder } from '../../host/trace/recorder.js';
import { EXAMPLES } from '../support/platforms.js';

export function bundled(name: string): Workload {
  return loadWorkloadFile(join(EXAMPLES, 'workloads', `${name}.json`));
}

/** Records `w` under `mod` as a trace file (what `simulate --record` writes). */
export function recordTrace(w: Workload, mod: PolicyModule, file: string): string {
  const sink = new TraceFile(file);
  let recorder: TraceRecorder | null = null;
  simulate(w, mod, { engineHook: (e) => { recorder = new TraceRecorder(sink.line).attach(e, 'node', mod.label); } });
  (recorder as TraceRecorder | null)?.finish();
  sink.commit();
  return file;
}

/** Strings that would run script or load something if the page did not escape them. */
export const HOSTILE = {
  file: '/tmp/<i>w</i>"\'&.json',
  platform: "<script>alert('platform')</script>",
  heap: 'sys</script><img src=x onerror=alert(1)>',
  device: 'isp"><img src=x onerror=alert(3)><!--',
  buf: '</script><svg onload=alert(4)>',
  name: '<img src=x onerror=alert(2)>',
} as const;

/** A non-coherent device writes, the CPU reads: the broken module skips the invalidate. */
export function hostileWorkload(): Workload {
  return parseWorkload({
    platform: {
      name: HOSTILE.platform,
      heaps: [{ name: HOSTILE.heap, kind: 'system' }],
      devices: [{ name: HOSTILE.device, dmaMaskBits: 40, iommu: true, coherent: false }],
    },
    setup: [{ op: 'alloc', buf: HOSTILE.buf, size: 4096, devices: [HOSTILE.device], cpu: 'read', name: HOSTILE.name }],
    loop: [
      { op: 'device', buf: HOSTILE.buf, device: HOSTILE.device, access: 'write' },
      { op: 'cpu', buf: HOSTILE.buf, access: 'read' },
    ],
    iterations: 3,
    teardown: [{ op: 'free', buf: HOSTILE.buf }],
  }, HOSTILE.file);
}
