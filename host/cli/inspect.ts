// heapwise inspect: what a module is and whether this host would load it.
import { PolicyModule } from '../module/policy-module.js';
import { readPolicyBytes, resolvePolicyPath } from '../module/load-file.js';
import { EXIT } from '../errors.js';
import { formatInspect } from './format.js';

export async function inspect(file: string, opts: { json?: boolean }): Promise<number> {
  const path = resolvePolicyPath(file);
  const report = await PolicyModule.inspect(readPolicyBytes(path), { label: path });
  process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatInspect(report)}\n`);
  return report.accepted ? EXIT.OK : EXIT.BAD_INPUT;
}
