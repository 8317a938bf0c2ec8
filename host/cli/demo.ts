// npm start: the default policy places the example requests of a bundled board, then runs a
// bundled workload and prints its summary.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../engine/engine.js';
import { loadRequestFile } from '../input/request.js';
import { loadPolicyFile } from '../module/load-file.js';
import { packageRoot } from '../paths.js';
import { loadPlatformFile } from '../platform/parse.js';
import { simulate } from '../simulate/run.js';
import { loadWorkloadFile } from '../simulate/workload.js';
import { formatPlacements, formatSimulation } from './format.js';
import { ArgumentUsageError } from './usage.js';

/** examples/<kind>/<name>.json, or a usage error listing the bundled names. */
function bundledFile(root: string, kind: 'platforms' | 'workloads', option: string, name: string): string {
  const dir = join(root, 'examples', kind);
  const file = join(dir, `${name}.json`);
  if (!existsSync(file)) {
    const names = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')).sort();
    throw new ArgumentUsageError('demo', `${option} ${name}: no such bundled ${kind === 'platforms' ? 'board' : 'workload'} (one of ${names.join(', ')})`);
  }
  return file;
}

export async function demo(opts: { board?: string; workload?: string }): Promise<number> {
  const root = packageRoot();
  const board = opts.board ?? 'rpi4';
  // Every input is checked before the first line is printed: a bad name prints nothing.
  const platformFile = bundledFile(root, 'platforms', '--board', board);
  const wfile = bundledFile(root, 'workloads', '--workload', opts.workload ?? 'camera-isp-display');
  const platform = loadPlatformFile(platformFile);
  const w = loadWorkloadFile(wfile);
  const mod = await loadPolicyFile('default');
  const reqDir = join(root, 'examples/requests');
  const files = readdirSync(reqDir).filter((f) => f.startsWith(`${board}-`) && f.endsWith('.json')).sort();
  const rows = files.map((f) => {
    const engine = Engine.create(mod, platform);
    const buf = engine.allocate({ ...loadRequestFile(join(reqDir, f), platform), deferred: false });
    engine.dispose();
    return { request: f.replace(/\.json$/, ''), decision: buf.decision! };
  });
  process.stdout.write(`Placements by policy ${mod.label.replace(root + '/', '')} on ${platform.name} (${platformFile.replace(root + '/', '')}):\n`);
  process.stdout.write(`${formatPlacements(rows)}\n\n`);
  const naive = simulate(w, await loadPolicyFile('naive'));
  const report = simulate(w, mod);
  process.stdout.write(`Workload ${wfile.replace(root + '/', '')}: ${w.description}\n`);
  process.stdout.write(`${formatSimulation({ ...report, workload: wfile.replace(root + '/', '') })}\n`);
  process.stdout.write(`(the naive policy issues ${naive.syncs.issued} syncs on the same workload, with ${naive.violations.length} violations)\n`);
  return 0;
}
