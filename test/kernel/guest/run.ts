// Guest-side runner. Prints one JSON line per case, {"case", "ok", "error"?, "detail"?, "ms"},
// preceded by {"plan": [...names]} so the host can tell a case that never reported from one
// that passed, and followed by {"summary": ...}. Exit status 0 only if every case passed.
//   node --expose-gc test/kernel/guest/run.js --kernel debian|cma [--case <substring>]
// Every case must also leave the process's open-fd count where it found it.
import { cases, type KernelName } from './registry.js';
import { openFdCount } from './expect.js';
import './cases-heap.js';
import './cases-errno.js';
import './cases-udmabuf.js';
import './cases-ownership.js';
import './cases-backend.js';
import './cases-oom.js';
import './cases-probe.js';
import './cases-cma.js';
import './cases-engine.js';
import './cases-differential.js';
import './cases-simulate.js';

// The suite asks the system heap for all of RAM (in a child, for the OOM killer): only ever in
// the VM, whose /init sets HEAPWISE_GUEST.
if (process.env.HEAPWISE_GUEST !== '1') {
  process.stderr.write('test/kernel/guest/run.js runs inside the VM only: node scripts/vm/run.mjs -- node test/kernel/guest/run.js\n');
  process.exit(2);
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const kernel = (arg('--kernel') ?? 'debian') as KernelName;
if (kernel !== 'debian' && kernel !== 'cma') throw new Error(`--kernel must be debian or cma, not ${kernel}`);
const only = arg('--case');
const selected = cases.filter((c) => (!c.kernel || c.kernel === kernel) && (!only || c.name.includes(only)));

function emit(line: object): void {
  process.stdout.write(JSON.stringify(line) + '\n');
}

emit({ plan: selected.map((c) => c.name), kernel });
const started = Date.now();
let failed = 0;
for (const c of selected) {
  const t0 = Date.now();
  const fdsBefore = openFdCount();
  try {
    const detail = await c.run();
    const fdsAfter = openFdCount();
    if (fdsAfter !== fdsBefore) throw new Error(`leaked ${fdsAfter - fdsBefore} fd(s) (${fdsBefore} open before, ${fdsAfter} after)`);
    emit({ case: c.name, ok: true, ms: Date.now() - t0, ...(detail ? { detail } : {}) });
  } catch (e) {
    failed++;
    const err = e as Error;
    emit({ case: c.name, ok: false, ms: Date.now() - t0, error: `${err.message}\n${err.stack?.split('\n').slice(1, 4).join('\n') ?? ''}` });
  }
}
emit({ summary: { kernel, total: selected.length, failed, ms: Date.now() - started } });
process.exitCode = failed === 0 ? 0 : 1;
