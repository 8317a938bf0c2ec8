// Records an engine session (docs/trace.md) as JSON Lines to a line sink, or in any other
// encoding (the binary one: BinaryEncoder).
import type { Engine } from '../engine/engine.js';
import type { EventRecord, OpResult } from '../engine/engine.js';
import type { AllocateRequest } from '../engine/buffer.js';
import type { AnswerView } from '../engine/outcome.js';
import type { RoundTripTap } from '../engine/tap.js';
import { UsageError } from '../errors.js';
import { jsonlEncoder, type LineSink } from './jsonl-encoder.js';
import type { TraceEncoder } from './trace-encoder.js';

export type { LineSink } from './jsonl-encoder.js';

export class TraceRecorder {
  private recording: Recording | null = null;
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
    const r = new Recording(enc);
    // Calls, events, answers and results come through the engine's tap; the rare records (a
    // debug build's logs, faults, swaps) through an ordinary observer.
    const untap = engine.tapWith(r);
    const unobserve = engine.observe({
      onLog: (ev, l) => { r.pendingLogs.push({ i: ev.index, fd: l.fd, text: l.text }); },
      onSwap: (sw) => enc.swap(sw),
      onFault: (ev, err) => {
        r.drainLogs();
        enc.fault(ev.index, err.kind, err.message);
      },
    });
    this.recording = r;
    this.detach = () => { untap(); unobserve(); };
    this.state = 'recording';
    return this;
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
    const r = this.recording!;
    this.enc.end(r.calls, r.events);
  }
}

/** One session being recorded: the engine's tap, counting what it writes. */
class Recording implements RoundTripTap {
  calls = 0;
  events = 0;
  pendingLogs: { i: number; fd: number; text: string }[] = [];
  private lastEvent = -1;

  constructor(private readonly enc: TraceEncoder) {}

  call(n: number, op: number, buf: number, device: number, access: string | undefined, request: AllocateRequest | undefined): void {
    this.calls++;
    this.enc.call(n, op, buf, device, access, request);
  }

  // The event record goes out before the module runs (the image as handed to it), its logs and
  // then its answer or fault after.
  event(ev: EventRecord, image: Uint8Array): void {
    this.events++;
    this.lastEvent = ev.index;
    this.enc.event(ev, image);
  }

  answer(ev: EventRecord, out: AnswerView): void {
    if (this.pendingLogs.length !== 0) this.drainLogs();
    this.enc.answer(ev.index, out);
  }

  result(ev: EventRecord, op: number, r: OpResult): void {
    if (ev.index !== this.lastEvent) return;
    this.enc.result(ev.index, op, r);
  }

  drainLogs(): void {
    if (!this.pendingLogs.length) return;
    for (const l of this.pendingLogs) this.enc.log(l.i, l.fd, l.text);
    this.pendingLogs = [];
  }
}
