// Workload files: a platform, setup / loop x iterations / teardown events. Parsing checks
// everything that can be checked before running (ids, devices, use after free), so a bad
// workload fails with the file and event index before any buffer is allocated.
import { dirname, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { validate } from '../input/schema.js';
import { readJsonFile } from '../input/json-file.js';
import { parsePlatform, loadPlatformFile } from '../platform/parse.js';
import type { Platform, CpuUse } from '../platform/types.js';

export type BufId = string | number;
export type WorkloadEvent =
  | { op: 'alloc'; buf: BufId; size: number; devices: string[]; cpu: CpuUse; protected?: boolean; name?: string; deferred?: boolean }
  | { op: 'attach'; buf: BufId; device: string }
  | { op: 'device'; buf: BufId; device: string; access: 'read' | 'write' | 'readwrite' }
  | { op: 'cpu'; buf: BufId; access: 'read' | 'write' | 'readwrite' }
  | { op: 'export'; buf: BufId }
  | { op: 'free'; buf: BufId };

interface WorkloadJson {
  platform: string | object;
  description?: string;
  setup?: WorkloadEvent[];
  loop?: WorkloadEvent[];
  iterations?: number;
  teardown?: WorkloadEvent[];
}

export interface Workload {
  file: string;
  description: string;
  platform: Platform;
  /** Where the platform came from (a path or "inline"). */
  platformFile: string;
  setup: WorkloadEvent[];
  loop: WorkloadEvent[];
  iterations: number;
  teardown: WorkloadEvent[];
  /** Total events once the loop is unrolled. */
  length: number;
}

const OPS = ['alloc', 'attach', 'device', 'cpu', 'export', 'free'];

/** Yields every event in order with its index: setup, loop x iterations, teardown. */
export function* unroll(w: Workload): Generator<[number, WorkloadEvent]> {
  let i = 0;
  for (const e of w.setup) yield [i++, e];
  for (let k = 0; k < w.iterations; k++) for (const e of w.loop) yield [i++, e];
  for (const e of w.teardown) yield [i++, e];
}

/** Event `i` of the unrolled workload and its JSON path in the file ("/loop/3"). */
export function eventAt(w: Workload, i: number): { event: WorkloadEvent; path: string } {
  if (i < w.setup.length) return { event: w.setup[i]!, path: `/setup/${i}` };
  const inLoop = i - w.setup.length;
  if (inLoop < w.loop.length * w.iterations) return { event: w.loop[inLoop % w.loop.length]!, path: `/loop/${inLoop % w.loop.length}` };
  const k = inLoop - w.loop.length * w.iterations;
  return { event: w.teardown[k]!, path: `/teardown/${k}` };
}

/** Parses and checks a workload; `platformOverride` replaces the workload's platform. */
export function parseWorkload(json: unknown, file: string, platformOverride?: Platform): Workload {
  const w = json as WorkloadJson;
  if (typeof w === 'object' && w !== null) {
    for (const part of ['setup', 'loop', 'teardown'] as const) {
      const list = w[part];
      if (!Array.isArray(list)) continue;
      list.forEach((e, i) => {
        const op = (e as { op?: unknown })?.op;
        if (typeof op !== 'string' || !OPS.includes(op)) {
          // A string is shown; anything else by its type (echoing a whole object helps no one).
          const got = typeof op === 'string' ? `unknown op ${JSON.stringify(op)}` : op === undefined ? 'missing op' : `op must be a string, got ${op === null ? 'null' : Array.isArray(op) ? 'an array' : typeof op === 'object' ? 'an object' : `a ${typeof op}`}`;
          throw new InputError(file, `/${part}/${i}/op`, `${got} (one of ${OPS.join(', ')})`);
        }
      });
    }
  }
  // An inline platform is checked by the platform parser, which names the field at fault
  // (/platform/heaps/0/name); the schema's oneOf would only say "/platform: must be string".
  const inlinePlatform = typeof w?.platform === 'object' && w.platform !== null && !Array.isArray(w.platform);
  validate('workload', inlinePlatform ? { ...w, platform: 'inline' } : json, file);
  let platform: Platform;
  let platformFile: string;
  if (platformOverride) {
    platform = platformOverride;
    platformFile = '(--platform)';
  } else if (typeof w.platform === 'string') {
    platformFile = resolve(dirname(file), w.platform);
    platform = loadPlatformFile(platformFile, { file, path: '/platform' });
  } else {
    platformFile = 'inline';
    platform = parsePlatform(w.platform, file, '/platform');
  }
  const wl: Workload = {
    file, description: w.description ?? '', platform, platformFile,
    setup: w.setup ?? [], loop: w.loop ?? [], iterations: w.iterations ?? 1, teardown: w.teardown ?? [], length: 0,
  };
  wl.length = wl.setup.length + wl.loop.length * wl.iterations + wl.teardown.length;
  checkSemantics(wl);
  return wl;
}

export function loadWorkloadFile(file: string, platformOverride?: Platform): Workload {
  return parseWorkload(readJsonFile(file), file, platformOverride);
}

/**
 * Dry run of the buffer ids: alloc of a live id, use of an unknown or freed id, devices not
 * on the platform or not attached. Runs one loop iteration twice to catch ids that a loop
 * frees and reuses wrongly, without unrolling millions of events.
 */
function checkSemantics(w: Workload): void {
  const live = new Map<BufId, Set<string>>();
  const freed = new Set<BufId>();
  const where = (part: string, i: number) => `/${part}/${i}`;
  const check = (e: WorkloadEvent, part: string, i: number, eventIndex: number) => {
    const at = where(part, i);
    const fail = (field: string, msg: string): never => {
      throw new InputError(w.file, `${at}${field}`, `event ${eventIndex} (${e.op} ${JSON.stringify(e.buf)}): ${msg}`);
    };
    const dev = (name: string, field: string) => {
      if (!w.platform.deviceIndex.has(name)) fail(field, `device ${JSON.stringify(name)} is not on platform ${w.platform.name}`);
    };
    if (e.op === 'alloc') {
      if (live.has(e.buf)) fail('/buf', 'buffer id already allocated and not freed');
      e.devices.forEach((d, k) => dev(d, `/devices/${k}`));
      live.set(e.buf, new Set(e.devices));
      freed.delete(e.buf);
      return;
    }
    const attached = live.get(e.buf);
    if (!attached) fail('/buf', freed.has(e.buf) ? 'use after free' : 'unknown buffer id (no alloc before)');
    if (e.op === 'attach') { dev(e.device, '/device'); attached!.add(e.device); }
    if (e.op === 'device') {
      dev(e.device, '/device');
      if (!attached!.has(e.device)) fail('/device', `device ${JSON.stringify(e.device)} is not attached to this buffer`);
    }
    if (e.op === 'free') { live.delete(e.buf); freed.add(e.buf); }
  };
  let idx = 0;
  w.setup.forEach((e, i) => check(e, 'setup', i, idx++));
  const passes = Math.min(w.iterations, 2);
  for (let k = 0; k < passes; k++) w.loop.forEach((e, i) => check(e, 'loop', i, idx++));
  idx += (w.iterations - passes) * w.loop.length;
  w.teardown.forEach((e, i) => check(e, 'teardown', i, idx++));
}
