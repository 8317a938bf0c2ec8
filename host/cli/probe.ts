// heapwise probe: the heaps this machine offers, whether this user may open them, CMA counters,
// and a platform file to complete with device constraints.
import { writeFileSync, renameSync } from 'node:fs';
import { InputError, EXIT } from '../errors.js';
import { probe as runProbe, formatProbe, platformSkeleton } from '../probe/index.js';

export async function probe(opts: { json?: boolean; write?: string }): Promise<number> {
  const result = runProbe();
  process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatProbe(result)}\n`);
  if (opts.write) {
    const tmp = `${opts.write}.tmp-${process.pid}`;
    try {
      writeFileSync(tmp, `${JSON.stringify(platformSkeleton(result), null, 2)}\n`);
      renameSync(tmp, opts.write);
    } catch (e) {
      throw new InputError(opts.write, '', `cannot write platform file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (!opts.json) process.stdout.write(`wrote ${opts.write}: add your devices (dmaMaskBits, iommu, coherent, ...) before using it\n`);
  }
  return EXIT.OK;
}
