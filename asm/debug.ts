// Debug logging for policy authors. In a debug build (npm run build -- --debug, compiled with
// @assemblyscript/wasi-shim and --use HW_DEBUG=1) `DEBUG` is true and console.log reaches the
// host's log sink through wasi fd_write; in a production build `DEBUG` is false, every
// `if (DEBUG)` block is removed at compile time and the module imports nothing for it.
// Always guard a log call with `if (DEBUG)`, so that building its message costs nothing in
// production.
import { heap, device, heapCount, deviceCount, heapNamePtr, deviceNamePtr } from './platform';
import { NONE } from './abi/generated';

// @ts-ignore: compile-time constant
export const DEBUG: bool = isDefined(HW_DEBUG);

/** Writes one line to the host's log (stdout of the debug build). */
export function log(message: string): void {
  // @ts-ignore: console exists in debug builds (wasi-shim)
  if (DEBUG) console.log(message);
}

/** A heap's name as a string (debug builds only: it allocates). */
export function heapName(h: u32): string {
  if (h == NONE || h >= heapCount()) return 'none';
  return String.UTF8.decodeUnsafe(heapNamePtr(h), heap(h).nameLen);
}

/** A device's name as a string (debug builds only: it allocates). */
export function deviceName(d: u32): string {
  if (d == NONE || d >= deviceCount()) return 'none';
  const dev = device(d);
  return String.UTF8.decodeUnsafe(deviceNamePtr(d), dev.nameLen);
}

