// Every command runs through here: library errors become one line on stderr and their exit
// code; anything unexpected is exit 1 with the message (no stack unless HEAPWISE_DEBUG).
import { HeapwiseError, EXIT } from '../errors.js';
import { ArgumentUsageError, usageLine } from './usage.js';

export function runCommand<A extends unknown[]>(fn: (...args: A) => Promise<number | void> | number | void) {
  return async (...args: A): Promise<void> => {
    try {
      const code = await fn(...args);
      process.exitCode = code ?? EXIT.OK;
    } catch (e) {
      const err = e as Error;
      // A misused command points at its --help, as commander's own parse errors do.
      process.stderr.write(e instanceof ArgumentUsageError ? usageLine(err.message, `heapwise ${e.command}`) : `heapwise: ${err.message}\n`);
      if (process.env.HEAPWISE_DEBUG) process.stderr.write(`${err.stack}\n`);
      process.exitCode = e instanceof HeapwiseError ? e.exitCode : EXIT.INTERNAL;
    }
  };
}
