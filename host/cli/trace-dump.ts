// heapwise trace dump: a trace (binary or JSON Lines) as JSON Lines on stdout.
import { dumpTrace } from '../trace/dump.js';

/** Waits for stdout to drain when it is full, so a long dump streams in fixed memory. */
function write(text: string): Promise<void> | void {
  if (process.stdout.write(text)) return;
  return new Promise((resolve) => process.stdout.once('drain', resolve));
}

export async function traceDump(trace: string): Promise<number> {
  // A reader that stops early (`| head`) is not an error.
  await dumpTrace(trace, write);
  return 0;
}
