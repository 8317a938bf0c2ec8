// `heapwise probe --write`: the platform skeleton written atomically (temporary file, rename;
// a device or FIFO directly, a directory refused: host/output-file.ts), and only when there is
// something to describe. A machine without heaps would give {"heaps": []}, a file every
// loader refuses; better no file and a clear reason.
import { hostname } from 'node:os';
import { InputError } from '../errors.js';
import { outputTarget, writeOutputFile } from '../output-file.js';
import { platformSkeleton, type PlatformSkeleton } from './platform-skeleton.js';
import type { ProbeResult } from './probe.js';

/** Writes the skeleton of `result` to `file`; throws (exit 2, nothing written) when it has no heap. */
export function writePlatformSkeleton(result: ProbeResult, file: string, name: string = hostname()): PlatformSkeleton {
  outputTarget(file); // a directory is refused before anything else
  const skeleton = platformSkeleton(result, name);
  if (skeleton.heaps.length === 0) {
    const where = result.heapDirPresent ? `${result.devDir}/dma_heap is empty` : `no ${result.devDir}/dma_heap`;
    throw new InputError(file, '', `not written: this machine has no DMA-BUF heap to describe (${where}, no ${result.devDir}/udmabuf); start from a bundled platform in examples/platforms/ instead`);
  }
  writeOutputFile(file, `${JSON.stringify(skeleton, null, 2)}\n`, 'platform file');
  return skeleton;
}
