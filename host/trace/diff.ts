// Diff: one trace's application calls re-run under two policies side by side on the model
// backend (results that depend on the policy, such as which heap runs out, are re-derived),
// with the referee watching both. Lockstep, so memory stays bounded on long traces.
import { OpKind, SyncFlag } from '../abi/generated.js';
import { ModelBackend } from '../backend/model.js';
import { Engine, type Access } from '../engine/engine.js';
import type { Buffer } from '../engine/buffer.js';
import { HeapwiseError, InputError } from '../errors.js';
import type { PolicyIdentity, PolicyModule } from '../module/policy-module.js';
import { parsePlatform } from '../platform/parse.js';
import type { CpuUse } from '../platform/types.js';
import { Referee, type Violation } from '../referee/coherency.js';
import { isBinaryTraceFile, readTrace, type TraceHeader, type TraceLine } from './reader.js';

export interface PolicySide {
  policy: PolicyIdentity;
  allocations: Record<string, number>;
  bytes: Record<string, number>;
  fallbacksUsed: number;
  failures: number;
  syncs: { issued: number; naive: number };
  violations: number;
  firstViolations: Violation[];
}

export interface CallDifference {
  call: number;
  op: string;
  buf: number;
  a: string;
  b: string;
}

export interface DiffReport {
  trace: string;
  calls: number;
  sides: [PolicySide, PolicySide];
  differences: CallDifference[];
  differing: number;
}

export type TraceCall = Extract<TraceLine, { t: 'call' }>;
type Call = TraceCall;

/** What a caller may hook into each side of a diff (the HTML report draws its timelines so). */
export interface DiffSideHook {
  /** Before each trace call runs on this side; `buffer` is the side's buffer for it, if any. */
  beforeCall?(c: TraceCall, buffer: Buffer | undefined): void;
  /** After each call (also when the call failed). */
  afterCall?(c: TraceCall): void;
}

export interface DiffOptions {
  /** How many differing calls to list (default 20). */
  first?: number;
  /** Called once per side with its engine (0 = A, 1 = B) before any call runs. */
  side?: (engine: Engine, which: 0 | 1) => DiffSideHook;
}

/** One policy running the trace's calls. */
class Side {
  readonly engine: Engine;
  readonly referee: Referee;
  readonly buffers = new Map<number, Buffer>();
  readonly failed = new Set<number>();
  readonly stats: PolicySide;
  private current: string[] = [];
  private counted = new Set<number>();

  hook: DiffSideHook = {};

  constructor(mod: PolicyModule, platform: ReturnType<typeof parsePlatform>, private readonly file: string, private readonly unit: 'line' | 'record') {
    this.engine = Engine.create(mod, platform, { backend: new ModelBackend() });
    // Violations are located by trace call, the numbering of the differing calls.
    this.referee = new Referee(platform, { locate: (ev, buf) => ({ event: ev.call, buf: buf.id }) });
    this.engine.observe(this.referee);
    this.stats = { policy: this.engine.policy, allocations: {}, bytes: {}, fallbacksUsed: 0, failures: 0, syncs: { issued: 0, naive: 0 }, violations: 0, firstViolations: [] };
    this.engine.observe({
      onResult: (_ev, op, r) => {
        if (op.kind === OpKind.SYNC && r.ok) {
          this.stats.syncs.issued++;
          this.current.push(`${op.arg & SyncFlag.END ? 'END' : 'START'}|${['', 'R', 'W', 'RW'][op.arg & 3]}`);
        }
      },
    });
  }

  private noteDecision(buf: Buffer): void {
    if (this.counted.has(buf.id) || !buf.decision) return;
    this.counted.add(buf.id);
    const d = buf.decision;
    if (d.heap === null) { this.stats.failures++; this.current.push('unplaced'); return; }
    this.current.push(`heap ${d.heap}`);
    this.stats.allocations[d.heap] = (this.stats.allocations[d.heap] ?? 0) + 1;
    this.stats.bytes[d.heap] = (this.stats.bytes[d.heap] ?? 0) + d.size;
    if (d.attempts.length) this.stats.fallbacksUsed++;
  }

  /** Runs one call; returns a summary of what the policy did for it. */
  run(c: Call): string {
    this.current = [];
    const buf = this.buffers.get(c.buf);
    this.hook.beforeCall?.(c, buf);
    try {
      if (c.op === 'alloc') {
        const b = this.engine.allocate({
          size: BigInt(c.size!), devices: c.devices!, cpu: (c.cpu ?? 'none') as CpuUse, protected: !!c.protected,
          ...(c.name ? { name: c.name } : {}), deferred: !!c.deferred,
        });
        this.buffers.set(c.buf, b);
        if (!c.deferred) { this.noteDecision(b); if (!b.placed) this.failed.add(c.buf); }
      } else if (!buf) {
        throw new InputError(this.file, `${this.unit} ${c.line}`, `call ${c.n}: ${c.op} on buffer ${c.buf} that no alloc created`);
      } else if (c.op === 'free') {
        this.engine.free(buf);
        this.buffers.delete(c.buf);
        this.failed.delete(c.buf);
      } else if (this.failed.has(c.buf)) {
        this.current.push('skipped (unplaced)');
      } else {
        if (c.op !== 'attach' && !buf.placed) {
          this.engine.place(buf);
          this.noteDecision(buf);
          if (!buf.placed) { this.failed.add(c.buf); return this.current.join(' '); }
        }
        if (c.op === 'attach') this.engine.attach(buf, c.device!);
        else if (c.op === 'device_begin') this.engine.deviceBegin(buf, c.device!, c.access as Access);
        else if (c.op === 'device_end') this.engine.deviceEnd(buf, c.device!);
        else if (c.op === 'cpu_begin') { this.stats.syncs.naive += 2; this.engine.cpuBegin(buf, c.access as Access); }
        else if (c.op === 'cpu_end') this.engine.cpuEnd(buf);
        else if (c.op === 'export') this.engine.export(buf);
      }
    } catch (e) {
      if (!(e instanceof HeapwiseError) || e instanceof InputError) throw e;
      this.current.push(`error: ${e.message}`);
    } finally {
      this.hook.afterCall?.(c);
    }
    return this.current.join(' ') || 'no syncs';
  }

  finish(): PolicySide {
    this.stats.violations = this.referee.violations.length;
    this.stats.firstViolations = this.referee.violations.slice(0, 10);
    for (const b of [...this.buffers.values()]) { b.cpuAccess = 0; b.deviceAccess.clear(); }
    this.engine.dispose();
    return this.stats;
  }
}

export async function diff(file: string, a: PolicyModule, b: PolicyModule, opts: DiffOptions = {}): Promise<DiffReport> {
  const first = opts.first ?? 20;
  const it = readTrace(file);
  const header = (await it.next()).value as TraceHeader;
  const platform = parsePlatform(header.platform, file, 'line 1 /platform');
  // A binary trace's calls are named by record index (the line of its dump).
  const unit = isBinaryTraceFile(file) ? 'record' : 'line';
  const sa = new Side(a, platform, file, unit);
  const sb = new Side(b, platform, file, unit);
  if (opts.side) {
    sa.hook = opts.side(sa.engine, 0);
    sb.hook = opts.side(sb.engine, 1);
  }
  const differences: CallDifference[] = [];
  let differing = 0;
  let calls = 0;
  for await (const l of it) {
    if (l.t !== 'call') continue;
    calls++;
    const ra = sa.run(l);
    const rb = sb.run(l);
    if (ra !== rb) {
      differing++;
      if (differences.length < first) differences.push({ call: l.n, op: l.op, buf: l.buf, a: ra, b: rb });
    }
  }
  return { trace: file, calls, sides: [sa.finish(), sb.finish()], differences, differing };
}
