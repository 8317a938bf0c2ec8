// heapwise probe: the heaps this machine offers, whether this user may open them, CMA counters,
// and a platform file to complete with device constraints.
import { EXIT } from '../errors.js';
import { probe as runProbe, formatProbe, writePlatformSkeleton } from '../probe/index.js';

export async function probe(opts: { json?: boolean; write?: string }): Promise<number> {
  const result = runProbe();
  process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatProbe(result)}\n`);
  if (opts.write) {
    writePlatformSkeleton(result, opts.write);
    if (!opts.json) process.stdout.write(`wrote ${opts.write}: add your devices (dmaMaskBits, iommu, coherent, ...) before using it\n`);
  }
  return EXIT.OK;
}
