// The guest suite's cases: a name, the kernel they need, and a body that throws on failure.
export type KernelName = 'debian' | 'cma';

export interface GuestCase {
  name: string;
  /** Only on this kernel (the CMA heap exists only on the custom one); default: both. */
  kernel?: KernelName;
  run: () => void | string | Promise<void | string>;
}

export const cases: GuestCase[] = [];

/** Registers a case. The body may return a short detail string that is reported with it. */
export function guestCase(name: string, run: GuestCase['run'], opts: { kernel?: KernelName } = {}): void {
  if (cases.some((c) => c.name === name)) throw new Error(`duplicate guest case name: ${name}`);
  cases.push({ name, run, ...opts });
}
