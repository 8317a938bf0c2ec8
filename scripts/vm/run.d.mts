// Types for run.mjs (plain JS so it runs with node alone, in CI's prepare step too).
export interface RunInVmOptions {
  kernel?: 'debian' | 'cma';
  /** Shell command run by the guest's /init, in /app (the project tree). */
  command: string;
  timeoutMs?: number;
  memMiB?: number;
  /** cma= for the CMA kernel (MiB). */
  cmaMiB?: number;
  /** qemu -smp (default 2, or HEAPWISE_VM_SMP). */
  smp?: number;
  /** qemu -accel (default 'tcg', or HEAPWISE_VM_ACCEL). */
  accel?: string;
  /** qemu -cpu (default qemu's, or HEAPWISE_VM_CPU). */
  cpu?: string;
  onOutput?: (chunk: string) => void;
}

export interface RunInVmResult {
  /** The guest command's exit status, or null when the marker never appeared. */
  exitCode: number | null;
  /** Serial console output, \r removed. */
  output: string;
  /** uname -r as the guest printed it. */
  kernelVersion: string | null;
  timedOut: boolean;
  /** Milliseconds from starting qemu to the guest's first line (firmware + kernel + initramfs). */
  bootMs: number | null;
  durationMs: number;
  kernelImage: string;
}

export const ROOT: string;
export const VM_CACHE: string;
export function kernelImage(kind: 'debian' | 'cma'): string;
export function initramfsLayers(): string[];
export function newcArchive(files: Record<string, { data: string | Uint8Array; mode: number }>): Buffer;
export function runInVm(opts: RunInVmOptions): Promise<RunInVmResult>;
