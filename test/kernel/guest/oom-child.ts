// Sacrificial child for the over-large system-heap allocation: it volunteers for the OOM
// killer (oom_score_adj 1000) and asks the system heap for all of RAM. The system heap does
// not answer ENOMEM; the OOM killer answers by SIGKILLing the most expendable process, which
// must be this one. Prints {"code"} if the ioctl returned instead.
import { readFileSync, writeFileSync } from 'node:fs';
import { isKernelError, loadAddon } from '../../../host/kernel/addon.js';

if (process.env.HEAPWISE_GUEST !== '1') throw new Error('oom-child runs inside the VM only (it asks the system heap for all of RAM)');
writeFileSync('/proc/self/oom_score_adj', '1000');
const a = loadAddon();
const memTotalKiB = Number(/^MemTotal:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'))![1]);
const heap = a.openHeap('system');
process.stdout.write(JSON.stringify({ asking: memTotalKiB * 1024 }) + '\n');
try {
  const fd = a.heapAlloc(heap, BigInt(memTotalKiB) * 1024n, a.constants.O_RDWR | a.constants.O_CLOEXEC, 0n, 'system');
  process.stdout.write(JSON.stringify({ allocated: fd }) + '\n');
} catch (e) {
  process.stdout.write(JSON.stringify({ code: isKernelError(e) ? e.code : String(e) }) + '\n');
}
