// Records an engine session (docs/trace.md) as JSON Lines to a line sink, or in any other
// encoding (the binary one: BinaryEncoder).
import type { Engine, EngineObserver } from '../engine/engine.js';
import { UsageError } from '../errors.js';
import { jsonlEncoder, type LineSink } from './jsonl-encoder.js';
import type { TraceEncoder } from './trace-encoder.js';

export type { LineSink } from './jsonl-encoder.js';

export class TraceRecorder {
  private calls = 0;
  private events = 0;
  private pendingLogs: { i: number; fd: number; text: string }[] = [];
  private lastEvent = -1;
  private detach: (() => void) | null = null;
  private state: 'new' | 'recording' | 'finished' = 'new';
  private readonly enc: TraceEncoder;

  constructor(sink: LineSink | TraceEncoder) {
    this.enc = typeof sink === 'function' ? jsonlEncoder(sink) : sink;
  }

  /**
   * Starts recording `engine`: writes the header and observes every call, event and result.
   * A trace replays from the engine's first call, so the engine must not have served one yet
   * (UsageError otherwise, as the C library's HW_ERR_USAGE); a recorder records one session.
   */
  attach(engine: Engine, host: string, policyPath: string | null = null): this {
    if (this.state !== 'new') throw new UsageError(this.state === 'recording' ? 'this trace recorder is already recording an engine' : 'this trace recorder has finished; start another one');
    const served = engine.currentCall + 1;
    if (served > 0) throw new UsageError(`a trace starts on an engine that has not served a call yet (${served} calls so far)`);
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
    this.state = 'recording';
    return this;
  }

  private drainLogs(): void {
    if (!this.pendingLogs.length) return;
    for (const l of this.pendingLogs) this.enc.log(l.i, l.fd, l.text);
    this.pendingLogs = [];
  }

  /**
   * Writes the end record and stops observing. Once only: a second end record would make the
   * trace invalid ("bytes after end"), so finishing again, or before attach, is a UsageError.
   */
  finish(): void {
    if (this.state !== 'recording') throw new UsageError(this.state === 'finished' ? 'the trace is already finished (finish called twice)' : 'the trace recorder was never attached to an engine');
    this.state = 'finished';
    this.detach?.();
    this.detach = null;
    this.enc.end(this.calls, this.events);
  }
}
