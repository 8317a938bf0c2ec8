// Running a workload through the engine with the coherency referee watching, and the
// summary `heapwise simulate` prints.
import { OpKind, SyncFlag } from '../abi/generated.js';
import type { Backend } from '../backend/backend.js';
import { Engine, type EventRecord } from '../engine/engine.js';
import type { Buffer } from '../engine/buffer.js';
import { PolicyFaultError, UsageError } from '../errors.js';
import type { PolicyModule, PolicyIdentity } from '../module/policy-module.js';
import { Referee, type Violation } from '../referee/coherency.js';
import { eventAt, unroll, type Workload, type BufId } from './workload.js';

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
  /** Faults of the policy, in order: each either handed the session to a fallback or ended it. */
  faults: SimulationFault[];
}

/** A policy fault during a simulation. */
export interface SimulationFault {
  /** Workload event index (the numbering violations use) and the buffer it concerned. */
  event: number;
  buf: BufId;
  /** Engine event index (`i` in a trace). */
  engineEvent: number;
  /** The module that faulted, and its path or label. */
  policy: PolicyIdentity;
  module: string;
  kind: PolicyFaultError['kind'];
  message: string;
  /** The module that took over, or null: no fallback, the session stopped at this event. */
  fallback: PolicyIdentity | null;
}

export interface SimulateOptions {
  backend?: Backend;
  /** Called every `progressEvery` events with (done, total). */
  onProgress?: (done: number, total: number) => void;
  progressEvery?: number;
  /** Extra observers (trace recorders, reports) attached to the engine. */
  engineHook?: (engine: Engine) => void;
  /**
   * Policy to switch to when the module faults (default: none). Without one a fault ends the
   * run: the report says where, and the events before it stand.
   */
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
  const policy = engine.policy;
  const faults: SimulationFault[] = [];
  let faultBuf: BufId = 0;
  engine.observe({
    onFault(ev, err) {
      faults.push({ event: current, buf: faultBuf, engineEvent: ev.index, policy: engine.policy, module: engine.module.label, kind: err.kind, message: err.message, fallback: null });
    },
    onSwap(sw) {
      if (sw.reason === 'fault' && faults.length) faults[faults.length - 1]!.fallback = sw.to;
    },
  });
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
      faultBuf = e.buf;
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
  } catch (e) {
    // An engine call the event makes no sense for (a size over the engine's limit, a name too
    // long for the kernel): named by the workload and its event, as the C host names it.
    if (e instanceof UsageError) {
      engine.dispose();
      const at = eventAt(w, current);
      throw new UsageError(`${w.file}: event ${current} (${at.event.op} at ${at.path}): ${e.message}`);
    }
    // No fallback took over (onFault saw it): the session ends at this event.
    if (!(e instanceof PolicyFaultError)) { engine.dispose(); throw e; }
    if (!faults.length || faults[faults.length - 1]!.fallback) {
      // Defensive: a fault no observer heard still ends the session and is reported.
      faults.push({ event: current, buf: faultBuf, engineEvent: engine.events - 1, policy: engine.policy, module: engine.module.label, kind: e.kind, message: e.message, fallback: null });
    }
  }
  if (!faults.length || faults[faults.length - 1]!.fallback) {
    try {
      engine.dispose();
    } catch (e) {
      // The FREE of a buffer left live at the end faulted with no fallback.
      if (!(e instanceof PolicyFaultError)) throw e;
    }
  }
  // After an unanswered fault no module is left to answer the FREEs of live buffers: the backend
  // closes their fds, and a trace ends at the fault.
  if (faults.length && !faults[faults.length - 1]!.fallback) engine.backend.dispose();
  return {
    policy, workload: w.file, platform: w.platform.name, backend: engine.backend.kind,
    events: n, allocations, failures, fallbacksUsed, peakBytes, syncs, violations: referee.violations, faults,
  };
}
