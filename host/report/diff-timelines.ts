// Timelines for `heapwise diff --report`. diff() in trace/diff.ts takes no observers, so this is
// a second lockstep pass over the trace's calls that drives both policies exactly as diff()'s
// Side.run does (same placement, skip and error rules), with a Timeline and a referee on each.
// The x axis is the trace's call number, the numbering of diff's differing calls.
import { ModelBackend } from '../backend/model.js';
import type { Buffer } from '../engine/buffer.js';
import { Engine, type Access } from '../engine/engine.js';
import { HeapwiseError, InputError } from '../errors.js';
import type { PolicyModule } from '../module/policy-module.js';
import { parsePlatform } from '../platform/parse.js';
import type { CpuUse, Platform } from '../platform/types.js';
import { Referee } from '../referee/coherency.js';
import { readTrace, type TraceHeader, type TraceLine } from '../trace/reader.js';
import type { ReportOptions } from './simulate-report.js';
import { Timeline, type TimelineData } from './timeline.js';

type Call = Extract<TraceLine, { t: 'call' }>;

class ReportSide {
  private readonly engine: Engine;
  private readonly referee: Referee;
  readonly timeline: Timeline;
  private readonly buffers = new Map<number, Buffer>();
  private readonly failed = new Set<number>();
  private call: Call | null = null;

  constructor(mod: PolicyModule, platform: Platform, opts: ReportOptions) {
    this.engine = Engine.create(mod, platform, { backend: new ModelBackend() });
    const label = (c: Call) => c.name ?? `#${c.buf}`;
    this.timeline = new Timeline({
      heaps: platform.heaps,
      ...(opts.maxPoints !== undefined ? { maxPoints: opts.maxPoints } : {}),
      ...(opts.maxViolations !== undefined ? { maxViolations: opts.maxViolations } : {}),
      labelOf: (c) => (this.call ? label(this.call) : `#${c.buf}`),
    });
    this.referee = new Referee(platform, { locate: (_ev, buf) => ({ event: this.call?.n ?? -1, buf: this.timeline.bufferLabel(buf.id) }) });
    this.engine.observe(this.referee);
    this.engine.observe(this.timeline);
  }

  run(c: Call): void {
    this.call = c;
    this.timeline.at(c.n);
    const buf = this.buffers.get(c.buf);
    try {
      if (c.op === 'alloc') {
        const b = this.engine.allocate({
          size: BigInt(c.size!), devices: c.devices!, cpu: (c.cpu ?? 'none') as CpuUse, protected: !!c.protected,
          ...(c.name ? { name: c.name } : {}), deferred: !!c.deferred,
        });
        this.buffers.set(c.buf, b);
        if (!c.deferred && !b.placed) this.failed.add(c.buf);
      } else if (!buf) {
        throw new InputError('trace', `call ${c.n}`, `${c.op} on buffer ${c.buf} that no alloc created`);
      } else if (c.op === 'free') {
        this.engine.free(buf);
        this.buffers.delete(c.buf);
        this.failed.delete(c.buf);
      } else if (!this.failed.has(c.buf)) {
        if (c.op !== 'attach' && !buf.placed) {
          this.engine.place(buf);
          if (!buf.placed) { this.failed.add(c.buf); return; }
        }
        if (c.op === 'attach') this.engine.attach(buf, c.device!);
        else if (c.op === 'device_begin') this.engine.deviceBegin(buf, c.device!, c.access as Access);
        else if (c.op === 'device_end') this.engine.deviceEnd(buf, c.device!);
        else if (c.op === 'cpu_begin') { this.timeline.naiveAccess(this.timeline.bufferLabel(buf.id)); this.engine.cpuBegin(buf, c.access as Access); }
        else if (c.op === 'cpu_end') this.engine.cpuEnd(buf);
        else if (c.op === 'export') this.engine.export(buf);
      }
    } catch (e) {
      if (!(e instanceof HeapwiseError) || e instanceof InputError) throw e;
    } finally {
      this.drainViolations();
    }
  }

  /** Moves the referee's findings into the timeline, so memory stays bounded on long traces. */
  private drainViolations(): void {
    for (const v of this.referee.violations) this.timeline.violation(v);
    this.referee.violations.length = 0;
  }

  finish(topBuffers: number | undefined): TimelineData {
    // As diff(): violations are counted before the remaining buffers are released.
    this.drainViolations();
    for (const b of [...this.buffers.values()]) { b.cpuAccess = 0; b.deviceAccess.clear(); }
    this.engine.dispose();
    return this.timeline.data(topBuffers);
  }
}

/** Both policies' timelines over one trace (model backend, as diff() runs it). */
export async function diffTimelines(file: string, a: PolicyModule, b: PolicyModule, opts: ReportOptions = {}): Promise<[TimelineData, TimelineData]> {
  const it = readTrace(file);
  const header = (await it.next()).value as TraceHeader;
  const platform = parsePlatform(header.platform, file, 'line 1 /platform');
  const sa = new ReportSide(a, platform, opts);
  const sb = new ReportSide(b, platform, opts);
  for await (const l of it) {
    if (l.t !== 'call') continue;
    sa.run(l);
    sb.run(l);
  }
  return [sa.finish(opts.topBuffers), sb.finish(opts.topBuffers)];
}
