// `heapwise probe --write`: the platform skeleton written atomically (temporary file, rename),
// and only when there is something to describe. A machine without heaps would give
// {"heaps": []}, a file every loader refuses; better no file and a clear reason.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { InputError } from '../errors.js';
import { platformSkeleton, type PlatformSkeleton } from './platform-skeleton.js';
import type { ProbeResult } from './probe.js';

/** Writes the skeleton of `result` to `file`; throws (exit 2, nothing written) when it has no heap. */
export function writePlatformSkeleton(result: ProbeResult, file: string, name: string = hostname()): PlatformSkeleton {
  const skeleton = platformSkeleton(result, name);
  if (skeleton.heaps.length === 0) {
    const where = result.heapDirPresent ? `${result.devDir}/dma_heap is empty` : `no ${result.devDir}/dma_heap`;
    throw new InputError(file, '', `not written: this machine has no DMA-BUF heap to describe (${where}, no ${result.devDir}/udmabuf); start from a bundled platform in examples/platforms/ instead`);
  }
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, `${JSON.stringify(skeleton, null, 2)}\n`);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new InputError(file, '', `cannot write platform file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return skeleton;
}
