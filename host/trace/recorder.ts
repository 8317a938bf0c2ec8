// Records an engine session (docs/trace.md) as JSON Lines to a line sink, or in any other
// encoding (the binary one: BinaryEncoder).
import type { Engine, EngineObserver } from '../engine/engine.js';
import { jsonlEncoder, type LineSink } from './jsonl-encoder.js';
import type { TraceEncoder } from './trace-encoder.js';

export type { LineSink } from './jsonl-encoder.js';

export class TraceRecorder {
  private calls = 0;
  private events = 0;
  private pendingLogs: { i: number; fd: number; text: string }[] = [];
  private lastEvent = -1;
  private detach: (() => void) | null = null;
  private readonly enc: TraceEncoder;

  constructor(sink: LineSink | TraceEncoder) {
    this.enc = typeof sink === 'function' ? jsonlEncoder(sink) : sink;
  }

  /** Starts recording `engine`: writes the header and observes every call, event and result. */
  attach(engine: Engine, host: string, policyPath: string | null = null): this {
    const enc = this.enc;
    enc.header(engine, host, policyPath);
    const o: EngineObserver = {
      onCall: (c) => { this.calls++; enc.call(c); },
      // The event record goes out before the module runs (the image as handed to it), its
      // logs and then its answer or fault after.
      onEvent: (ev, image) => {
        this.events++;
        this.lastEvent = ev.index;
        enc.event(ev, image);
      },
      onAnswer: (ev, out) => {
        this.drainLogs();
        enc.answer(ev.index, out);
      },
      onLog: (ev, l) => { this.pendingLogs.push({ i: ev.index, fd: l.fd, text: l.text }); },
      onSwap: (sw) => enc.swap(sw),
      onFault: (ev, err) => {
        this.drainLogs();
        enc.fault(ev.index, err.kind, err.message);
      },
      onResult: (ev, _op, r, _buf, index) => {
        if (ev.index !== this.lastEvent) return;
        enc.result(ev.index, index, r);
      },
    };
    this.detach = engine.observe(o);
    return this;
  }

  private drainLogs(): void {
    if (!this.pendingLogs.length) return;
    for (const l of this.pendingLogs) this.enc.log(l.i, l.fd, l.text);
    this.pendingLogs = [];
  }

  /** Writes the end record and stops observing. */
  finish(): void {
    this.detach?.();
    this.detach = null;
    this.enc.end(this.calls, this.events);
  }
}
