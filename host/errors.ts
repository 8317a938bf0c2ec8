// Errors the library raises, each with the CLI exit code it maps to. Messages name the file,
// field or module at fault.

export const EXIT = {
  OK: 0,
  INTERNAL: 1,
  BAD_INPUT: 2,
  NO_FIT: 3,
  VIOLATIONS: 4,
  DIVERGED: 5,
  /** The kernel or system cannot provide what was asked (no /dev/dma_heap for the kernel backend). */
  UNAVAILABLE: 6,
} as const;

export class HeapwiseError extends Error {
  readonly exitCode: number = EXIT.INTERNAL;
}

/** A platform, request, workload or trace that does not meet its format. */
export class InputError extends HeapwiseError {
  override readonly exitCode = EXIT.BAD_INPUT;
  constructor(readonly file: string, readonly path: string, detail: string) {
    super(`${file}${path ? ` at ${path}` : ''}: ${detail}`);
    this.name = 'InputError';
  }
}

/** A policy module the host will not load. */
export class PolicyRefusedError extends HeapwiseError {
  override readonly exitCode = EXIT.BAD_INPUT;
  constructor(readonly module: string, readonly reason: string) {
    super(`policy module ${module} refused: ${reason}`);
    this.name = 'PolicyRefusedError';
  }
}

/** A loaded module that trapped, aborted, or asked for something the host will not execute. */
export class PolicyFaultError extends HeapwiseError {
  override readonly exitCode = EXIT.INTERNAL;
  constructor(readonly module: string, readonly kind: 'trap' | 'abort' | 'status' | 'invalid-op' | 'fuel', detail: string) {
    super(`policy module ${module}: ${detail}`);
    this.name = 'PolicyFaultError';
  }
}

/** A call on the engine that makes no sense for the buffer's state (use after free, unknown device...). */
export class UsageError extends HeapwiseError {
  override readonly exitCode = EXIT.BAD_INPUT;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The kernel (or the model of it) refused an operation the engine had validated. */
export class KernelError extends HeapwiseError {
  constructor(readonly op: string, readonly code: string, readonly errno: number, readonly target: string) {
    super(`${op} on ${target} failed: ${code} (errno ${errno})`);
    this.name = 'KernelError';
  }
}
