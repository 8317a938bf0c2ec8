// Running a workload through the engine with the coherency referee watching, and the
// summary `heapwise simulate` prints.
import { OpKind, SyncFlag } from '../abi/generated.js';
import type { Backend } from '../backend/backend.js';
import { Engine, type EventRecord } from '../engine/engine.js';
import type { Buffer } from '../engine/buffer.js';
import type { PolicyModule, PolicyIdentity } from '../module/policy-module.js';
import { Referee, type Violation } from '../referee/coherency.js';
import { unroll, type Workload, type BufId } from './workload.js';

export interface SimulationReport {
  policy: PolicyIdentity;
  workload: string;
  platform: string;
  backend: string;
  events: number;
  allocations: Record<string, number>;
  failures: number;
  fallbacksUsed: number;
  peakBytes: Record<string, number>;
  syncs: { issued: number; naive: number; start: number; end: number };
  violations: Violation[];
}

export interface SimulateOptions {
  backend?: Backend;
  /** Called every `progressEvery` events with (done, total). */
  onProgress?: (done: number, total: number) => void;
  progressEvery?: number;
  /** Extra observers (trace recorders, reports) attached to the engine. */
  engineHook?: (engine: Engine) => void;
  /** Policy to switch to when the module faults (default: none, faults end the run). */
  fallback?: PolicyModule | null;
}

export function simulate(w: Workload, mod: PolicyModule, opts: SimulateOptions = {}): SimulationReport {
  const engine = Engine.create(mod, w.platform, { ...(opts.backend ? { backend: opts.backend } : {}), ...(opts.fallback ? { fallback: opts.fallback } : {}) });
  const ids = new Map<number, BufId>();
  let current = 0;
  const referee = new Referee(w.platform, {
    locate: (_ev: EventRecord, buf: Buffer) => ({ event: current, buf: ids.get(buf.id) ?? buf.id }),
  });
  engine.observe(referee);
  const syncs = { issued: 0, naive: 0, start: 0, end: 0 };
  engine.observe({
    onResult(_ev, op, r) {
      if (op.kind !== OpKind.SYNC || !r.ok) return;
      syncs.issued++;
      if (op.arg & SyncFlag.END) syncs.end++;
      else syncs.start++;
    },
  });
  opts.engineHook?.(engine);

  const allocations: Record<string, number> = {};
  const peakBytes: Record<string, number> = {};
  const inUse = new Map<string, bigint>();
  let failures = 0;
  let fallbacksUsed = 0;
  const live = new Map<BufId, Buffer>();
  const failed = new Set<BufId>();
  const counted = new Set<number>();

  const noteDecision = (buf: Buffer) => {
    if (counted.has(buf.id) || !buf.decision) return;
    counted.add(buf.id);
    const d = buf.decision;
    if (d.heap === null) { failures++; return; }
    allocations[d.heap] = (allocations[d.heap] ?? 0) + 1;
    if (d.attempts.length > 0) fallbacksUsed++;
    const now = (inUse.get(d.heap) ?? 0n) + buf.size;
    inUse.set(d.heap, now);
    if (now > BigInt(peakBytes[d.heap] ?? 0)) peakBytes[d.heap] = Number(now);
  };
  /** Places a deferred buffer at its first use; false when nothing fits. */
  const usable = (id: BufId): Buffer | null => {
    if (failed.has(id)) return null;
    const buf = live.get(id)!;
    if (!buf.placed) {
      engine.place(buf);
      noteDecision(buf);
      if (!buf.placed) { failed.add(id); return null; }
    }
    return buf;
  };

  const every = opts.progressEvery ?? 10_000;
  let n = 0;
  try {
    for (const [i, e] of unroll(w)) {
      current = i;
      n++;
      if (opts.onProgress && n % every === 0) opts.onProgress(n, w.length);
      switch (e.op) {
        case 'alloc': {
          failed.delete(e.buf);
          const buf = engine.allocate({
            size: e.size, devices: e.devices, cpu: e.cpu,
            ...(e.protected !== undefined ? { protected: e.protected } : {}),
            ...(e.name !== undefined ? { name: e.name } : {}),
            ...(e.deferred !== undefined ? { deferred: e.deferred } : {}),
          });
          live.set(e.buf, buf);
          ids.set(buf.id, e.buf);
          if (!e.deferred) { noteDecision(buf); if (!buf.placed) failed.add(e.buf); }
          break;
        }
        case 'attach':
          engine.attach(live.get(e.buf)!, e.device);
          break;
        case 'device': {
          const buf = usable(e.buf);
          if (!buf) break;
          engine.deviceBegin(buf, e.device, e.access);
          engine.deviceEnd(buf, e.device);
          break;
        }
        case 'cpu': {
          syncs.naive += 2;
          const buf = usable(e.buf);
          if (!buf) break;
          engine.cpuAccess(buf, e.access);
          break;
        }
        case 'export': {
          const buf = usable(e.buf);
          if (buf) engine.export(buf);
          break;
        }
        case 'free': {
          const buf = live.get(e.buf)!;
          if (buf.placed && buf.heap) inUse.set(buf.heap, (inUse.get(buf.heap) ?? 0n) - buf.size);
          engine.free(buf);
          live.delete(e.buf);
          failed.delete(e.buf);
          break;
        }
      }
    }
    opts.onProgress?.(n, w.length);
  } finally {
    engine.dispose();
  }
  return {
    policy: engine.policy, workload: w.file, platform: w.platform.name, backend: engine.backend.kind,
    events: n, allocations, failures, fallbacksUsed, peakBytes, syncs, violations: referee.violations,
  };
}
