// Candidate host changes for recording (host/trace/lines.ts, recorder.ts), kept as an experiment:
// the same bytes, built cheaper.
//   1. the hex of the state handed in with an event reused from the buffer's last answer (the same
//      Uint8Array: the engine stores what the module answered and hands it back), so one hex per
//      event instead of two;
//   2. the event's name decoded once per buffer (one shared TextDecoder, not one per event);
//   3. answer lines built with loops instead of map/join.
import { EventKindName, OpKindName, NONE } from '../../host/abi/generated.js';
import type { Engine, EngineObserver, EventRecord } from '../../host/engine/engine.js';
import type { Outcome } from '../../host/engine/outcome.js';
import { callLine, endLine, faultLine, headerLine, logLine, resultLine, swapLine } from '../../host/trace/lines.js';
import type { LineSink } from '../../host/trace/recorder.js';

// As lines.ts does it (a 256-entry table was slower in Node 20).
export const hexLean = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

const idx = (n: number) => (n === NONE ? -1 : n);
const decoder = new TextDecoder();

/** Per buffer: the JSON text of its name, and the hex of the state it last answered with. */
interface BufferText { nameBytes: Uint8Array; name: string; state: Uint8Array | null; stateHex: string }

export class LeanLines {
  private readonly buffers = new Map<number, BufferText>();

  private textOf(ev: EventRecord): BufferText {
    let t = this.buffers.get(ev.buf);
    if (!t || t.nameBytes !== ev.name) {
      t = { nameBytes: ev.name, name: JSON.stringify(decoder.decode(ev.name)), state: null, stateHex: '' };
      this.buffers.set(ev.buf, t);
    }
    return t;
  }

  private stateHex(t: BufferText, state: Uint8Array): string {
    if (t.state !== state) {
      t.state = state;
      t.stateHex = hexLean(state);
    }
    return t.stateHex;
  }

  eventLine(e: EventRecord): string {
    const t = this.textOf(e);
    let usage = 'null';
    if (e.usage) {
      usage = '[';
      for (let i = 0; i < e.usage.length; i++) usage += `${i ? ',' : ''}"${e.usage[i]}"`;
      usage += ']';
    }
    return `{"t":"event","i":${e.index},"n":${e.call},"kind":"${EventKindName[e.kind]}","buf":${e.buf},"device":${idx(e.device)},"access":${e.access},"size":"${e.size}","devices":"${e.devices}","failedHeaps":"${e.failedHeaps}","heap":${idx(e.heap)},"cpu":${e.cpu},"flags":${e.flags},"lastErrno":${e.lastErrno},"name":${t.name},"usage":${usage},"state":"${this.stateHex(t, e.state)}"}`;
  }

  answerLine(ev: EventRecord, out: Outcome): string {
    let ops = '';
    for (let i = 0; i < out.ops.length; i++) {
      const op = out.ops[i]!;
      ops += `${i ? ',' : ''}{"kind":"${OpKindName[op.kind] ?? op.kind}","buf":${op.buf},"heap":${idx(op.heap)},"arg":${op.arg},"value":"${op.value}"`;
      ops += op.name !== undefined ? `,"name":${JSON.stringify(op.name)}}` : '}';
    }
    let ex = '';
    for (let i = 0; i < out.explains.length; i++) {
      const x = out.explains[i]!;
      ex += `${i ? ',' : ''}[${x.subject},${x.verdict},${x.code},${idx(x.heap)},${idx(x.device)},${x.detail}]`;
    }
    // The answered state is the next event's state for this buffer: remember its hex.
    const t = this.textOf(ev);
    t.state = out.state;
    t.stateHex = hexLean(out.state);
    return `{"t":"answer","i":${ev.index},"ops":[${ops}],"explain":[${ex}],"state":"${t.stateHex}"}`;
  }

  forget(buf: number): void {
    this.buffers.delete(buf);
  }
}

/** TraceRecorder with the lean line builders; the other lines are the host's own functions. */
export class LeanTraceRecorder {
  private calls = 0;
  private events = 0;
  private lastOps: unknown[] = [];
  private pendingLogs: string[] = [];
  private lastEvent = -1;
  private detach: (() => void) | null = null;
  private readonly lines = new LeanLines();

  constructor(private readonly sink: LineSink) {}

  attach(engine: Engine, host: string, policyPath: string | null = null): this {
    this.sink(headerLine(host, engine.backend.kind, { ...engine.policy, path: policyPath }, { fuel: engine.module.fuel, opCap: engine.opCapacity, log: engine.module.logCapability }, engine.platform.source));
    const o: EngineObserver = {
      onCall: (c) => { this.calls++; this.sink(callLine(c)); if (c.op === 'free') this.lines.forget(c.buf); },
      onAnswer: (ev, out) => {
        this.events++;
        this.lastEvent = ev.index;
        this.lastOps = out.ops;
        this.sink(this.lines.eventLine(ev));
        for (const l of this.pendingLogs) this.sink(l);
        this.pendingLogs = [];
        this.sink(this.lines.answerLine(ev, out));
      },
      onLog: (ev, l) => { this.pendingLogs.push(logLine(ev.index, l.fd, l.text)); },
      onSwap: (sw) => this.sink(swapLine(sw.atEvent, sw.reason, { ...sw.to, path: sw.label })),
      onFault: (ev, err) => {
        this.events++;
        this.sink(this.lines.eventLine(ev));
        for (const l of this.pendingLogs) this.sink(l);
        this.pendingLogs = [];
        this.sink(faultLine(ev.index, err.kind, err.message));
      },
      onResult: (ev, op, r) => {
        if (ev.index !== this.lastEvent) return;
        this.sink(resultLine(ev.index, this.lastOps.indexOf(op), r));
      },
    };
    this.detach = engine.observe(o);
    return this;
  }

  finish(): void {
    this.detach?.();
    this.detach = null;
    this.sink(endLine(this.calls, this.events));
  }
}

/**
 * What recording costs when nothing is formatted while the engine runs: each call, event, answer
 * and result copied as fixed-layout binary records (the ABI's own field order) into a growing
 * buffer, for a converter to turn into JSON lines later. Not a format proposal, a cost estimate:
 * it keeps the same information as the text trace (platform and header aside).
 */
export class BinaryTraceRecorder {
  private buf = new Uint8Array(1 << 20);
  private dv = new DataView(this.buf.buffer);
  private n = 0;
  bytes = 0;
  private detach: (() => void) | null = null;
  private lastOps: unknown[] = [];

  private room(k: number): void {
    if (this.n + k <= this.buf.length) return;
    // A real recorder would hand the full chunk to a writer here; the estimate drops it.
    this.bytes += this.n;
    this.n = 0;
  }

  private u32(v: number): void { this.dv.setUint32(this.n, v, true); this.n += 4; }
  private u64(v: bigint): void { this.dv.setBigUint64(this.n, v, true); this.n += 8; }
  private raw(b: Uint8Array): void { this.buf.set(b, this.n); this.n += b.length; }

  attach(engine: Engine): this {
    const o: EngineObserver = {
      onCall: (c) => {
        this.room(64);
        this.u32(1); this.u32(c.n); this.u32(c.buf); this.u32(c.op.length);
        if (c.op === 'alloc') { const r = c.request!; this.u64(BigInt(r.size)); this.u32(r.devices.length); }
      },
      onAnswer: (ev, out) => {
        this.room(160 + 8 * (ev.usage?.length ?? 0) + 24 * out.ops.length + 16 * out.explains.length);
        this.u32(2); this.u32(ev.index); this.u32(ev.call); this.u32(ev.kind); this.u32(ev.buf); this.u32(ev.device); this.u32(ev.access);
        this.u64(ev.size); this.u64(ev.devices); this.u64(ev.failedHeaps);
        this.u32(ev.heap); this.u32(ev.cpu); this.u32(ev.flags); this.u32(ev.lastErrno); this.u32(ev.name.length); this.raw(ev.name);
        this.u32(ev.usage?.length ?? 0);
        if (ev.usage) for (const u of ev.usage) this.u64(u);
        this.raw(ev.state);
        this.u32(out.ops.length);
        for (const op of out.ops) { this.u32(op.kind); this.u32(op.buf); this.u32(op.heap); this.u32(op.arg); this.u64(op.value); }
        this.u32(out.explains.length);
        for (const x of out.explains) { this.u32(x.subject | (x.verdict << 8) | (x.code << 16)); this.u32(x.heap); this.u32(x.device); this.u32(x.detail); }
        this.raw(out.state);
        this.lastOps = out.ops;
      },
      onResult: (ev, op, r) => {
        this.room(24);
        this.u32(3); this.u32(ev.index); this.u32(this.lastOps.indexOf(op)); this.u32(r.ok ? 1 : 0); this.u32(r.ok ? r.fd ?? 0 : r.errno);
      },
    };
    this.detach = engine.observe(o);
    return this;
  }

  finish(): void {
    this.detach?.();
    this.bytes += this.n;
  }
}
