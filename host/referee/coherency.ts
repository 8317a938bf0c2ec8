// The coherency referee: a model of each buffer's CPU cache lines that judges the sync
// operations any policy emits, never the policy's internals. Per buffer it tracks whether CPU
// caches may hold dirty lines (CPU writes not yet cleaned) or stale lines (a non-coherent
// device wrote memory behind them), and which START is open.
import { EventKind, OpKind, SyncFlag, Access, EventKindName } from '../abi/generated.js';
import type { EngineObserver, EventRecord } from '../engine/engine.js';
import type { Outcome } from '../engine/outcome.js';
import type { Buffer } from '../engine/buffer.js';
import type { Platform } from '../platform/types.js';

export type ViolationKind =
  | 'stale-read' // CPU read of lines a non-coherent device wrote behind, with no invalidating START
  | 'dirty-device-access' // non-coherent device access while CPU writes sit uncleaned in caches
  | 'unbalanced' // START over an open START, END without START, START still open at free
  | 'export-unsynced' // buffer left the process with an open START or dirty lines
  | 'exported-unbracketed'; // after export, a CPU access without its own START ... END

export interface Violation {
  /** Index of the engine event (or the caller's event numbering, see Referee.locate). */
  event: number;
  buf: number | string;
  kind: ViolationKind;
  detail: string;
}

interface Lines {
  dirty: boolean;
  stale: boolean;
  open: number;
  /** After export: the current CPU access got its own START. */
  bracketed: boolean;
}

export interface RefereeOptions {
  /** Maps an engine event to the caller's event index and buffer id (e.g. a workload's). */
  locate?: (ev: EventRecord, buf: Buffer) => { event: number; buf: number | string };
}

const flagsText = (f: number) => `${f & SyncFlag.END ? 'END' : 'START'}|${['?', 'READ', 'WRITE', 'RW'][f & 3]}`;

export class Referee implements EngineObserver {
  readonly violations: Violation[] = [];
  private readonly lines = new Map<number, Lines>();

  constructor(private readonly platform: Platform, private readonly opts: RefereeOptions = {}) {}

  onAnswer(ev: EventRecord, out: Outcome, buf: Buffer): void {
    if (ev.kind === EventKind.PLACE) {
      this.lines.set(buf.id, { dirty: false, stale: false, open: 0, bracketed: false });
      return;
    }
    const st = this.lines.get(buf.id);
    if (!st) return;
    const report = (kind: ViolationKind, detail: string) => {
      const where = this.opts.locate ? this.opts.locate(ev, buf) : { event: ev.index, buf: buf.id };
      this.violations.push({ ...where, kind, detail: `${EventKindName[ev.kind]}: ${detail}` });
    };
    const heap = this.platform.heaps[buf.heapIndex];
    const cached = !!heap && heap.cached;
    const device = this.platform.devices[ev.device];
    const coherent = !!device && device.coherent;
    const exported = buf.exported;

    // Ops of END events run after the access they close; of every other event, before.
    let startedHere = false;
    for (const op of out.ops) {
      if (op.kind !== OpKind.SYNC) continue;
      const f = op.arg;
      if (f & SyncFlag.END) {
        if (st.open === 0) report('unbalanced', `${flagsText(f)} without an open START`);
        if (cached && f & SyncFlag.WRITE) st.dirty = false;
        st.open = 0;
      } else {
        if (st.open !== 0) report('unbalanced', `${flagsText(f)} while START|${['?', 'READ', 'WRITE', 'RW'][st.open & 3]} is open`);
        if (cached && f & SyncFlag.READ) st.stale = false;
        st.open = f & 3;
        startedHere = true;
      }
    }

    switch (ev.kind) {
      case EventKind.CPU_BEGIN:
        if (exported) {
          st.bracketed = startedHere && (st.open & ev.access) === ev.access;
          if (!st.bracketed) report('exported-unbracketed', `CPU ${accessText(ev.access)} of an exported buffer without its own START`);
        }
        if (cached && ev.access & Access.READ && st.stale) report('stale-read', 'CPU reads lines a non-coherent device wrote, with no invalidating START|READ since');
        if (cached && ev.access & Access.WRITE) st.dirty = true;
        break;
      case EventKind.CPU_END:
        if (exported && st.open !== 0) report('exported-unbracketed', 'CPU access of an exported buffer left its START open');
        break;
      case EventKind.DEVICE_BEGIN:
        if (cached && !coherent && st.dirty) report('dirty-device-access', `non-coherent device ${device?.name ?? ev.device} accesses the buffer while CPU writes are not cleaned (no END|WRITE since)`);
        if (cached && !coherent && ev.access & Access.WRITE) st.stale = true;
        break;
      case EventKind.EXPORT:
        if (st.open !== 0) report('export-unsynced', 'exported with a START still open');
        else if (cached && st.dirty) report('export-unsynced', 'exported with CPU writes not cleaned');
        break;
      case EventKind.FREE:
        if (st.open !== 0) report('unbalanced', 'freed with a START still open');
        this.lines.delete(buf.id);
        break;
      default:
        break;
    }
  }
}

function accessText(a: number): string {
  return ['none', 'read', 'write', 'read-write'][a & 3]!;
}
