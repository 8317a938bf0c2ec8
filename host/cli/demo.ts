// npm start: the default policy places the example requests of a bundled board, then runs a
// bundled workload and prints its summary.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../engine/engine.js';
import { loadRequestFile } from '../input/request.js';
import { loadPolicyFile } from '../module/load-file.js';
import { packageRoot } from '../paths.js';
import { loadPlatformFile } from '../platform/parse.js';
import { simulate } from '../simulate/run.js';
import { loadWorkloadFile } from '../simulate/workload.js';
import { formatPlacements, formatSimulation } from './format.js';

export async function demo(opts: { board?: string; workload?: string }): Promise<number> {
  const root = packageRoot();
  const board = opts.board ?? 'rpi4';
  const platformFile = join(root, 'examples/platforms', `${board}.json`);
  const platform = loadPlatformFile(platformFile);
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
  const wfile = join(root, 'examples/workloads', `${opts.workload ?? 'camera-isp-display'}.json`);
  const w = loadWorkloadFile(wfile);
  const naive = simulate(w, await loadPolicyFile('naive'));
  const report = simulate(w, mod);
  process.stdout.write(`Workload ${wfile.replace(root + '/', '')}: ${w.description}\n`);
  process.stdout.write(`${formatSimulation({ ...report, workload: wfile.replace(root + '/', '') })}\n`);
  process.stdout.write(`(the naive policy issues ${naive.syncs.issued} syncs on the same workload, with ${naive.violations.length} violations)\n`);
  return 0;
}
