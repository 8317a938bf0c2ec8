// Assertions the guest cases share: kernel errnos by name, fd counts, fdinfo fields.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { isKernelError, type KernelError } from '../../../host/kernel/addon.js';

/** Runs fn and asserts it failed with the kernel errno `code` (and op, when given). */
export function expectErrno(code: string, fn: () => unknown, op?: string): KernelError {
  let result: unknown;
  try {
    result = fn();
  } catch (e) {
    if (!isKernelError(e)) throw new assert.AssertionError({ message: `expected ${code}, got non-kernel error: ${String(e)}` });
    assert.equal(e.code, code, `expected ${code}${op ? ` from ${op}` : ''}, got ${e.code}: ${e.message}`);
    if (op) assert.equal(e.op, op, `expected the failing op to be ${op}: ${e.message}`);
    assert.match(e.message, new RegExp(code), 'the message names the errno');
    return e;
  }
  throw new assert.AssertionError({ message: `expected ${code}${op ? ` from ${op}` : ''}, but it succeeded (returned ${String(result)})` });
}

export function openFdCount(): number {
  return readdirSync('/proc/self/fd').length;
}

export function fdFlags(fdinfo: string): number {
  const m = /^flags:\s+([0-7]+)/m.exec(fdinfo);
  assert.ok(m, `fdinfo has no flags line:\n${fdinfo}`);
  return parseInt(m[1]!, 8);
}

export const O_CLOEXEC_OCTAL = 0o2000000;
export const MiB = 1024 * 1024;
