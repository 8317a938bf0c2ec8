// heapwise inspect: what a module is and whether this host would load it, under the same rules
// as every command that loads one (manifest beside it, debug builds with --log).
import { inspectPolicyFile } from '../module/load-file.js';
import { EXIT } from '../errors.js';
import { formatInspect } from './format.js';

export async function inspect(file: string, opts: { json?: boolean }): Promise<number> {
  const report = await inspectPolicyFile(file);
  process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatInspect(report)}\n`);
  return report.accepted ? EXIT.OK : EXIT.BAD_INPUT;
}
