// Records an engine session as trace lines (docs/trace.md) to any line sink.
import type { Engine, EngineObserver } from '../engine/engine.js';
import { headerLine, callLine, eventLine, answerLine, faultLine, resultLine, endLine, swapLine, logLine } from './lines.js';

export type LineSink = (line: string) => void;

export class TraceRecorder {
  private calls = 0;
  private events = 0;
  private lastOps: unknown[] = [];
  private pendingLogs: string[] = [];
  private lastEvent = -1;
  private detach: (() => void) | null = null;

  constructor(private readonly sink: LineSink) {}

  /** Starts recording `engine`: writes the header and observes every call, event and result. */
  attach(engine: Engine, host: string, policyPath: string | null = null): this {
    this.sink(headerLine(host, engine.backend.kind, { ...engine.policy, path: policyPath }, { fuel: engine.module.fuel, opCap: engine.opCapacity, log: engine.module.logCapability }, engine.platform.source));
    const o: EngineObserver = {
      onCall: (c) => { this.calls++; this.sink(callLine(c)); },
      onAnswer: (ev, out) => {
        this.events++;
        this.lastEvent = ev.index;
        this.lastOps = out.ops;
        this.sink(eventLine(ev));
        this.drainLogs();
        this.sink(answerLine(ev.index, out));
      },
      onLog: (ev, l) => { this.pendingLogs.push(logLine(ev.index, l.fd, l.text)); },
      onSwap: (sw) => this.sink(swapLine(sw.atEvent, sw.reason, { ...sw.to, path: sw.label })),
      onFault: (ev, err) => {
        this.events++;
        this.sink(eventLine(ev));
        this.drainLogs();
        this.sink(faultLine(ev.index, err.kind, err.message));
      },
      onResult: (ev, op, r, _buf) => {
        if (ev.index !== this.lastEvent) return;
        this.sink(resultLine(ev.index, this.lastOps.indexOf(op), r));
      },
    };
    this.detach = engine.observe(o);
    return this;
  }

  private drainLogs(): void {
    for (const l of this.pendingLogs) this.sink(l);
    this.pendingLogs = [];
  }

  /** Writes the end line and stops observing. */
  finish(): void {
    this.detach?.();
    this.detach = null;
    this.sink(endLine(this.calls, this.events));
  }
}
