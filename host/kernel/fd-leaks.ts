// Leak reporting for kernel fds owned by JS objects. The registry only REPORTS: closing an fd
// from a finalizer would race with the fd number being reused by a later open, so an fd that
// was never closed stays open and is named here instead.
export interface FdLeak {
  fd: number;
  /** What the fd was: 'dma-buf system:frame0', 'heap system', ... */
  label: string;
}

export type LeakReporter = (leak: FdLeak) => void;

const defaultReporter: LeakReporter = (leak) => {
  process.emitWarning(`fd ${leak.fd} (${leak.label}) was garbage-collected without close()`, {
    code: 'HEAPWISE_FD_LEAK',
  });
};

let reporter: LeakReporter = defaultReporter;

/** Replaces the leak reporter (tests collect leaks; null restores the process warning). */
export function onFdLeak(next: LeakReporter | null): void {
  reporter = next ?? defaultReporter;
}

const registry = new FinalizationRegistry<FdLeak>((leak) => reporter(leak));

export function watchFd(owner: object, leak: FdLeak): void {
  registry.register(owner, leak, owner);
}

export function unwatchFd(owner: object): void {
  registry.unregister(owner);
}
