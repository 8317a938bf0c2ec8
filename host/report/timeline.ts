// What one engine run did over time, for the HTML report: bytes in use per heap, syncs issued
// and naive per buffer, fallback retries, failures and coherency violations. An engine
// observer on a bounded axis (see Buckets), so a run of millions of events still yields a
// page of a few thousand points.
import { OpKind } from '../abi/generated.js';
import type { Buffer } from '../engine/buffer.js';
import type { CallRecord, EngineObserver, EventRecord, OpResult } from '../engine/engine.js';
import type { Op } from '../engine/outcome.js';
import type { Violation } from '../referee/coherency.js';
import { Buckets } from './buckets.js';

const SYNCS = 0;
const NAIVE = 1;
const FALLBACKS = 2;
const FAILURES = 3;
const VIOLATIONS = 4;

export interface TimelineOptions {
  /** The platform's heaps in platform order (ALLOC ops name heaps by index); size 0 = unbounded. */
  heaps: readonly { name: string; size: number }[];
  /** Most points kept per series (default 2000). */
  maxPoints?: number;
  /** Distinct buffer labels counted one by one; later ones count as "(other buffers)" (default 1000). */
  maxBuffers?: number;
  /** Violations kept for the report's table; all of them are counted (default 200). */
  maxViolations?: number;
  /** A buffer's label, from its alloc call (default: its name, else #id). */
  labelOf?: (call: CallRecord) => string;
}

export interface BufferSyncs {
  label: string;
  issued: number;
  naive: number;
}

export interface TimelineData {
  /** Length of the axis (last event seen + 1). */
  events: number;
  /** Events per point. */
  width: number;
  /** First event of each point. */
  x: number[];
  /** Heaps that ever held a byte: capacity (0 = unbounded), the most bytes in use within each point, and the peak. */
  heaps: { name: string; size: number; bytes: number[]; peak: number }[];
  /** Per point: syncs issued, naive syncs (2 per CPU access), ALLOC retries after an errno, placements that failed, violations. */
  syncs: number[];
  naive: number[];
  fallbacks: number[];
  failures: number[];
  violations: number[];
  totals: { syncs: number; naive: number; fallbacks: number; failures: number; violations: number };
  /** Buffers with the most syncs (naive or issued) first. */
  buffers: BufferSyncs[];
  /** The first violations, for the table (totals.violations counts all). */
  firstViolations: Violation[];
}

const OTHER = '(other buffers)';

/** Bounds of a report: points per series, violations listed, buffers drawn one by one. */
export const REPORT_LIMITS = { maxPoints: 2000, maxViolations: 200, topBuffers: 40, maxBuffers: 1000 } as const;

export class Timeline implements EngineObserver {
  private readonly buckets: Buckets;
  private readonly inUse: number[];
  /** Live engine buffers: label, and heap index and bytes once allocated. */
  private readonly live = new Map<number, { label: string; heap: number; bytes: number }>();
  /** Freed at the previous call: kept until then because FREE's END sync follows the free call. */
  private freeing: number | null = null;
  private readonly perBuffer = new Map<string, BufferSyncs>();
  private readonly kept: Violation[] = [];
  private readonly totals = { syncs: 0, naive: 0, fallbacks: 0, failures: 0, violations: 0 };
  private events = 0;

  constructor(private readonly opts: TimelineOptions) {
    this.buckets = new Buckets(opts.maxPoints ?? REPORT_LIMITS.maxPoints, opts.heaps.length, 5);
    this.inUse = opts.heaps.map(() => 0);
  }

  /** Moves the axis to event `x` (the caller's numbering, never backwards). */
  at(x: number): void {
    this.buckets.at(x);
    if (x + 1 > this.events) this.events = x + 1;
  }

  /** Label of a live engine buffer (its id when unknown). */
  bufferLabel(engineBuf: number): string {
    return this.live.get(engineBuf)?.label ?? `#${engineBuf}`;
  }

  /** One CPU access as naive bracketing sees it: a START and an END. */
  naiveAccess(label: string): void {
    this.totals.naive += 2;
    this.buckets.add(NAIVE, 2);
    this.buffer(label).naive += 2;
  }

  /** A violation the referee found (its `event` is on this timeline's axis). */
  violation(v: Violation): void {
    this.totals.violations++;
    this.buckets.add(VIOLATIONS, 1, v.event);
    if (this.kept.length < (this.opts.maxViolations ?? REPORT_LIMITS.maxViolations)) this.kept.push(v);
  }

  onCall(c: CallRecord): void {
    if (this.freeing !== null) { this.live.delete(this.freeing); this.freeing = null; }
    if (c.op === 'alloc') {
      const label = this.opts.labelOf ? this.opts.labelOf(c) : (c.request?.name ?? `#${c.buf}`);
      this.live.set(c.buf, { label, heap: -1, bytes: 0 });
    } else if (c.op === 'free') {
      const b = this.live.get(c.buf);
      if (b && b.heap >= 0) this.setInUse(b.heap, this.inUse[b.heap]! - b.bytes);
      this.freeing = c.buf;
    }
  }

  onResult(_ev: EventRecord, op: Op, r: OpResult, buf: Buffer): void {
    if (op.kind === OpKind.ALLOC) {
      if (!r.ok) { this.totals.fallbacks++; this.buckets.add(FALLBACKS); return; }
      const bytes = Number(op.value);
      const b = this.live.get(buf.id);
      if (b) { b.heap = op.heap; b.bytes = bytes; }
      this.setInUse(op.heap, this.inUse[op.heap]! + bytes);
    } else if (op.kind === OpKind.FAIL) {
      this.totals.failures++;
      this.buckets.add(FAILURES);
    } else if (op.kind === OpKind.SYNC && r.ok) {
      this.totals.syncs++;
      this.buckets.add(SYNCS);
      this.buffer(this.bufferLabel(buf.id)).issued++;
    }
  }

  /** The collected picture; `topBuffers` buffers are listed one by one, the rest summed. */
  data(topBuffers: number = REPORT_LIMITS.topBuffers): TimelineData {
    const s = this.buckets.series();
    const heaps = this.opts.heaps
      .map((h, i) => ({ name: h.name, size: h.size, bytes: s.gauges[i]!, peak: Math.max(0, ...s.gauges[i]!) }))
      .filter((h) => h.peak > 0);
    const ranked = [...this.perBuffer.values()].sort((a, b) => b.naive + b.issued - (a.naive + a.issued) || (a.label < b.label ? -1 : 1));
    const buffers = ranked.slice(0, topBuffers);
    const rest = ranked.slice(topBuffers);
    if (rest.length) {
      buffers.push({
        label: `(${rest.length} other buffers)`,
        issued: rest.reduce((n, b) => n + b.issued, 0),
        naive: rest.reduce((n, b) => n + b.naive, 0),
      });
    }
    const [syncs, naive, fallbacks, failures, violations] = s.counters as [number[], number[], number[], number[], number[]];
    return {
      events: this.events, width: s.width, x: s.x, heaps,
      syncs, naive, fallbacks, failures, violations,
      totals: { ...this.totals }, buffers, firstViolations: [...this.kept],
    };
  }

  private setInUse(heap: number, bytes: number): void {
    this.inUse[heap] = bytes;
    this.buckets.set(heap, bytes);
  }

  private buffer(label: string): BufferSyncs {
    let b = this.perBuffer.get(label);
    if (!b) {
      const max = this.opts.maxBuffers ?? REPORT_LIMITS.maxBuffers;
      if (this.perBuffer.size >= max) label = OTHER;
      b = this.perBuffer.get(label) ?? { label, issued: 0, naive: 0 };
      this.perBuffer.set(label, b);
    }
    return b;
  }
}
