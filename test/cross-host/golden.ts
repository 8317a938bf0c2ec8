// Golden files under test/traces/: what each host recorded when they were last accepted. The
// test re-records them and compares byte for byte; HEAPWISE_UPDATE_GOLDEN=1 rewrites them
// instead (after a deliberate change of a policy, the SDK, the ABI or the trace format).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './hosts.js';

export const GOLDEN_DIR = join(ROOT, 'test', 'traces');
export const UPDATE = process.env.HEAPWISE_UPDATE_GOLDEN === '1';

/** null when the fresh bytes are the golden ones (or were just written), else what differs. */
export function checkGolden(name: string, fresh: Uint8Array | string): string | null {
  const file = join(GOLDEN_DIR, name);
  if (UPDATE) {
    writeFileSync(file, fresh);
    return null;
  }
  if (!existsSync(file)) return `${file} is missing (run with HEAPWISE_UPDATE_GOLDEN=1 to write it)`;
  const old = readFileSync(file);
  const now = Buffer.from(fresh);
  if (old.equals(now)) return null;
  const a = old.toString('utf8').split('\n');
  const b = now.toString('utf8').split('\n');
  const i = a.findIndex((l, k) => l !== b[k]);
  const at = i < 0 ? a.length : i;
  return `${file} differs from a fresh recording at line ${at + 1} (HEAPWISE_UPDATE_GOLDEN=1 rewrites it after a deliberate change)\n  golden: ${(a[at] ?? '(end)').slice(0, 300)}\n  fresh:  ${(b[at] ?? '(end)').slice(0, 300)}`;
}
