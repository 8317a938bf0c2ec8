// DMA_BUF_IOCTL_SYNC calls issued on every bundled workload by the default policy and by the
// naive policy (START/END around every CPU access, as GStreamer and libcamera do). Counts, not
// timings: the same on every machine.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '../../host/simulate/run.js';
import { loadWorkloadFile } from '../../host/simulate/workload.js';
import { benchArgs, emit } from '../lib/args.js';
import { loadPolicy } from '../lib/fixture.js';

const args = benchArgs();
const policies = { default: await loadPolicy(args.root, 'default'), naive: await loadPolicy(args.root, 'naive') };
const dir = join(args.root, 'examples/workloads');
const rows = readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => {
  const w = loadWorkloadFile(join(dir, f));
  const d = simulate(w, policies.default);
  const n = simulate(w, policies.naive);
  return {
    workload: `examples/workloads/${f}`,
    platform: d.platform,
    events: d.events,
    cpuAccesses: d.syncs.naive / 2,
    default: d.syncs.issued,
    naive: n.syncs.issued,
    ratio: n.syncs.issued ? d.syncs.issued / n.syncs.issued : null,
    violations: { default: d.violations.length, naive: n.violations.length },
  };
});
const total = rows.reduce((t, r) => ({ default: t.default + r.default, naive: t.naive + r.naive }), { default: 0, naive: 0 });
emit({ workloads: rows, total: { ...total, ratio: total.default / total.naive } });
