// Cache-domain planning: which DMA_BUF_IOCTL_SYNC operations an event needs. The state lives
// in the BufferState the host hands in and takes back, so it survives a policy swap.
import { ReasonName, Event, BufferState, EventKind, SyncFlag, Subject, Verdict, Reason, OpKind, Access, Domain,
  BufferFlag, DeviceFlag, NONE } from './abi/generated';
import { emitOp, emitExplain, out } from './io';
import { heapCached, deviceHas, nonCoherentDevices } from './platform';
import { DEBUG, log } from './debug';

// The event being planned, in a wasm global (no linear memory load per field access).
let evAt: usize = 0;

export class SyncPlan {
  /** The event being planned. */
  get ev(): Event { return Event.at(evAt); }
  set ev(e: Event) { evAt = changetype<usize>(e); }

  /** Starts planning for `ev`: the new state starts as a copy of the old one. */
  begin(ev: Event): void {
    evAt = changetype<usize>(ev);
    // BufferState is 32 bytes: four u64 words, cheaper than a memory.copy call.
    const to = changetype<usize>(out().state);
    const from = changetype<usize>(ev.state);
    store<u64>(to, load<u64>(from));
    store<u64>(to, load<u64>(from, 8), 8);
    store<u64>(to, load<u64>(from, 16), 16);
    store<u64>(to, load<u64>(from, 24), 24);
  }

  get kind(): u32 { return this.ev.kind; }
  get buf(): u32 { return this.ev.buf; }
  get access(): u32 { return this.ev.access; }
  get device(): u32 { return this.ev.device; }
  get heap(): u32 { return this.ev.heap; }
  /** The state the module answers with (starts equal to the state handed in). */
  get state(): BufferState { return out().state; }
  get exported(): bool { return (this.ev.flags & BufferFlag.EXPORTED) != 0; }
  get cached(): bool { return this.ev.heap != NONE && heapCached(this.ev.heap); }
  /** Some attached device does not snoop CPU caches. */
  get anyNonCoherent(): bool { return (this.ev.devices & nonCoherentDevices()) != 0; }
  /** CPU cache maintenance can matter: a cached heap shared with a non-coherent device. */
  get needsMaintenance(): bool { return this.cached && this.anyNonCoherent; }
  deviceCoherent(d: u32): bool { return d != NONE && deviceHas(d, DeviceFlag.COHERENT); }

  /** Asks the host to issue DMA_BUF_IOCTL_SYNC with `flags`. */
  issue(flags: u32, reason: u32): void {
    emitOp(OpKind.SYNC, this.ev.buf, this.ev.heap, flags, 0);
    emitExplain(<u8>Subject.SYNC, <u8>Verdict.ISSUED, <u16>reason, this.ev.heap, this.ev.device, flags);
    if (DEBUG) log('buffer ' + this.ev.buf.toString() + ': issue sync 0x' + flags.toString(16) + ' (' + ReasonName(reason) + ')');
  }

  /** Records a sync a naive bracketing would issue here, and why it is not needed. */
  elide(flags: u32, reason: u32): void {
    emitExplain(<u8>Subject.SYNC, <u8>Verdict.ELIDED, <u16>reason, this.ev.heap, this.ev.device, flags);
    if (DEBUG) log('buffer ' + this.ev.buf.toString() + ': elide sync 0x' + flags.toString(16) + ' (' + ReasonName(reason) + ')');
  }

  /** START for `access`, remembered as open. */
  start(access: u32, reason: u32): void {
    this.issue(SyncFlag.START | access, reason);
    this.state.openStart = <u8>access;
  }

  /** END matching the open START, if any; an END with WRITE leaves no dirty lines. */
  end(reason: u32): void {
    const open = <u32>this.state.openStart;
    if (open == 0) return;
    this.issue(SyncFlag.END | open, reason);
    this.state.openStart = 0;
    if ((open & Access.WRITE) != 0) this.state.dirty = 0;
  }

  /** START+END pair that cleans dirty CPU lines when no START is open. */
  clean(reason: u32): void {
    this.issue(SyncFlag.START | SyncFlag.WRITE, reason);
    this.issue(SyncFlag.END | SyncFlag.WRITE, reason);
    this.state.dirty = 0;
  }
}

export const sync = new SyncPlan();

/**
 * The default cache-domain plan: skip brackets on uncached heaps and when every attached device
 * is coherent; keep the buffer in the CPU domain across consecutive CPU accesses (one START,
 * the END at the next device access, export or free); nothing for device-to-device hand-offs;
 * full bracketing after export.
 */
export function planLazy(s: SyncPlan): void {
  const st = s.state;
  const k = s.kind;
  const a = s.access;
  if (k == EventKind.CPU_BEGIN) {
    st.cpuActive = 1;
    st.domain = <u8>Domain.CPU;
    if (s.exported) {
      if (st.openStart != 0) s.end(Reason.EXPORTED_BRACKET);
      s.start(a, Reason.EXPORTED_BRACKET);
    } else if (!s.needsMaintenance) {
      s.elide(SyncFlag.START | a, s.cached ? Reason.COHERENT_ELIDED : Reason.UNCACHED_ELIDED);
    } else if (st.openStart != 0) {
      const open = <u32>st.openStart;
      if ((open & a) == a) {
        s.elide(SyncFlag.START | a, Reason.CPU_DOMAIN_ELIDED);
      } else {
        s.end(Reason.CPU_CLEAN);
        s.start(open | a, Reason.CPU_INVALIDATE);
      }
    } else {
      s.start(a, Reason.CPU_INVALIDATE);
    }
    if ((a & Access.WRITE) != 0 && s.cached) st.dirty = 1;
  } else if (k == EventKind.CPU_END) {
    st.cpuActive = 0;
    if (st.openStart != 0) {
      if (s.exported) s.end(Reason.EXPORTED_BRACKET);
      else s.elide(SyncFlag.END | <u32>st.openStart, Reason.LAZY_END);
    }
  } else if (k == EventKind.DEVICE_BEGIN) {
    if (st.openStart != 0) s.end(Reason.LAZY_END);
    else if (st.dirty != 0 && s.cached && !s.deviceCoherent(s.device)) s.clean(Reason.CPU_CLEAN);
    else if (st.domain == <u8>Domain.DEVICE) s.elide(SyncFlag.END | SyncFlag.RW, Reason.DEVICE_HANDOFF_ELIDED);
    if (s.device != NONE && s.device < 64) st.devicesActive |= (<u64>1) << s.device;
    if ((a & Access.WRITE) != 0) st.domain = <u8>Domain.DEVICE;
  } else if (k == EventKind.DEVICE_END) {
    if (s.device != NONE && s.device < 64) st.devicesActive &= ~((<u64>1) << s.device);
  } else if (k == EventKind.EXPORT) {
    if (st.openStart != 0) s.end(Reason.EXPORTED_BRACKET);
    else if (st.dirty != 0 && s.cached) s.clean(Reason.EXPORTED_BRACKET);
  } else if (k == EventKind.FREE) {
    s.end(Reason.FREE_CLOSE);
  }
  st.generation = st.generation + 1;
}

/** Naive bracketing, as GStreamer and libcamera do: START and END around every CPU access. */
export function planBracketEveryAccess(s: SyncPlan): void {
  const st = s.state;
  const k = s.kind;
  if (k == EventKind.CPU_BEGIN) {
    st.cpuActive = 1;
    s.start(s.access, Reason.CPU_INVALIDATE);
  } else if (k == EventKind.CPU_END) {
    st.cpuActive = 0;
    s.end(Reason.CPU_CLEAN);
  } else if (k == EventKind.FREE) {
    s.end(Reason.FREE_CLOSE);
  }
  st.generation = st.generation + 1;
}
