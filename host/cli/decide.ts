// heapwise decide: one request on one platform, one JSON decision.
import { Engine } from '../engine/engine.js';
import { EXIT } from '../errors.js';
import { loadRequestFile } from '../input/request.js';
import { loadPolicyFile } from '../module/load-file.js';
import { loadPlatformFile } from '../platform/parse.js';
import { formatPlacements } from './format.js';

export async function decide(opts: { platform: string; request: string; policy?: string; table?: boolean; log?: boolean }): Promise<number> {
  const platform = loadPlatformFile(opts.platform);
  const request = loadRequestFile(opts.request, platform);
  const mod = await loadPolicyFile(opts.policy, { logCapability: !!opts.log });
  const engine = Engine.create(mod, platform);
  if (opts.log) engine.observe({ onLog: (ev, l) => process.stderr.write(`[event ${ev.index}] ${l.text}\n`) });
  const buf = engine.allocate({ ...request, deferred: false });
  const d = buf.decision!;
  if (opts.table) process.stdout.write(`${formatPlacements([{ request: opts.request, decision: d }])}\n`);
  else process.stdout.write(`${JSON.stringify(d, null, 2)}\n`);
  engine.dispose();
  return d.heap === null ? EXIT.NO_FIT : EXIT.OK;
}
