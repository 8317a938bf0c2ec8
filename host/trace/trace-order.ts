// The order rules of a trace (docs/trace.md, "Errors"), one state machine for both encodings
// (and the C reader's twin): calls and events counted from 0, every event with exactly one
// answer or fault after its logs, results numbered after their answer and complete before the
// next call, event, swap or end. Each method returns what is wrong, or null; the reader names
// the place. No allocation on the accepted path: replay runs through this per record.

export class TraceOrder {
  /** Calls and events seen (the next expected `n` and `i`). */
  calls = 0;
  events = 0;
  /** Where the current event stands: awaiting its answer or fault, answered (results may follow), or settled. */
  private stage: 'none' | 'asked' | 'answered' | 'faulted' = 'none';
  /** The current answer's op count, results seen, and whether the last result failed. */
  private ops = 0;
  private results = 0;
  private failed = false;
  private ended = false;

  call(n: number): string | null {
    if (n !== this.calls) return `call ${n} out of order (expected ${this.calls})`;
    const open = this.close();
    if (open) return open;
    this.calls++;
    return null;
  }

  event(i: number, n: number): string | null {
    if (i !== this.events) return `event ${i} out of order (expected ${this.events})`;
    if (n !== this.calls - 1) return `event ${i} names call ${n}, but the latest call is ${this.calls - 1}`;
    const open = this.close();
    if (open) return open;
    this.events++;
    this.stage = 'asked';
    return null;
  }

  /** A log line: only between its event and that event's answer or fault. */
  log(i: number): string | null {
    return this.follows(i, 'log') ?? (this.stage === 'asked' ? null : `log for event ${i} after its ${this.stage === 'faulted' ? 'fault' : 'answer'}`);
  }

  answer(i: number, ops: number): string | null {
    const bad = this.settle(i, 'answer');
    if (bad) return bad;
    this.stage = 'answered';
    this.ops = ops;
    this.results = 0;
    this.failed = false;
    return null;
  }

  fault(i: number): string | null {
    const bad = this.settle(i, 'fault');
    if (bad) return bad;
    this.stage = 'faulted';
    return null;
  }

  /** R2: op 0, 1, 2... of the answer, each below its op count, none after a failed one. */
  result(i: number, op: number, ok: boolean): string | null {
    const bad = this.follows(i, 'result');
    if (bad) return bad;
    if (this.stage === 'asked') return `result for event ${i} before its answer`;
    if (this.stage === 'faulted') return `result for event ${i}, which faulted (no op ran)`;
    if (this.failed) return `result for op ${op} after op ${this.results - 1} failed`;
    if (op !== this.results) return `result for op ${op} out of order (expected op ${this.results})`;
    if (op >= this.ops) return `result for op ${op}, but the answer has ${this.ops} ops`;
    this.results++;
    this.failed = !ok;
    return null;
  }

  swap(i: number): string | null {
    if (i !== this.events) return `swap before event ${i}, but the next event is ${this.events}`;
    return this.close();
  }

  end(calls: number, events: number): string | null {
    const open = this.close();
    if (open) return open;
    if (calls !== this.calls || events !== this.events) return `end counts ${calls} calls and ${events} events; the trace holds ${this.calls} and ${this.events}`;
    this.ended = true;
    return null;
  }

  get done(): boolean {
    return this.ended;
  }

  private follows(i: number, what: string): string | null {
    if (this.stage === 'none' || i !== this.events - 1) return `${what} for event ${i} does not follow it (last event ${this.events - 1})`;
    return null;
  }

  private settle(i: number, what: string): string | null {
    const bad = this.follows(i, what);
    if (bad) return bad;
    if (this.stage !== 'asked') return `second answer or fault for event ${i}`;
    return null;
  }

  /** R3: the current event is settled: answered with every op's result (or up to a failed one), or faulted. */
  private close(): string | null {
    const i = this.events - 1;
    if (this.stage === 'asked') return `event ${i} has no answer or fault line`;
    if (this.stage === 'answered' && !this.failed && this.results !== this.ops) return `event ${i}: ${this.results} results for the answer's ${this.ops} ops (every op has a result, or the last one failed)`;
    this.stage = 'none';
    return null;
  }
}
