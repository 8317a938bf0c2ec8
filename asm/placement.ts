// One placement decision: the candidate heaps, the reasons each was dropped, the rank of the
// survivors, and the ALLOC / FAIL the host will execute. A single instance serves every
// PLACE event (no allocation per decision).
import { ReasonName, Event, Reason, Subject, Verdict, OpKind, BufferFlag, NONE, FD_FLAGS_DEFAULT, EVENT_NAME_OFFSET, EVENT_USAGE_OFFSET } from './abi/generated';
import { heapCount } from './platform';
import { emitOp, emitExplain, emitBytes, input } from './io';
import { roundedSize } from './constraints';
import { DEBUG, log, heapName, deviceName } from './debug';

const keys: usize = memory.data(64 * 4, 4);
const keyReasons: usize = memory.data(64 * 2, 2);
const keyDevices: usize = memory.data(64 * 4, 4);

export class Placement {
  ev: Event = Event.at(0);
  candidates: u64 = 0;
  fdFlags: u32 = FD_FLAGS_DEFAULT;

  /** Starts a decision for event `ev`: every heap that has not already failed is a candidate. */
  begin(ev: Event): void {
    this.ev = ev;
    this.fdFlags = FD_FLAGS_DEFAULT;
    const n = heapCount();
    this.candidates = n >= 64 ? <u64>-1 : ((<u64>1) << n) - 1;
    for (let h: u32 = 0; h < n; h++) {
      store<u32>(keys + <usize>h * 4, 0xffff);
      store<u16>(keyReasons + <usize>h * 2, 0);
      store<u32>(keyDevices + <usize>h * 4, NONE);
      if ((ev.failedHeaps & ((<u64>1) << h)) != 0) this.reject(h, NONE, Reason.ALLOC_FAILED, ev.lastErrno);
    }
  }

  get buf(): u32 { return this.ev.buf; }
  get size(): u64 { return this.ev.size; }
  get devices(): u64 { return this.ev.devices; }
  get cpu(): u32 { return this.ev.cpu; }
  get isProtected(): bool { return (this.ev.flags & BufferFlag.PROTECTED) != 0; }
  /** Bytes already allocated from heap h (what the host reported with this event). */
  usage(h: u32): u64 { return load<u64>(input + EVENT_USAGE_OFFSET + <usize>h * 8); }

  alive(h: u32): bool { return (this.candidates & ((<u64>1) << h)) != 0; }
  hasDevice(d: u32): bool { return (this.ev.devices & ((<u64>1) << d)) != 0; }

  /** Drops heap h, recording the device at fault (or NONE) and the constraint. */
  reject(h: u32, device: u32, reason: u32, detail: u32): void {
    if (!this.alive(h)) return;
    this.candidates &= ~((<u64>1) << h);
    emitExplain(<u8>Subject.HEAP, <u8>Verdict.REJECTED, <u16>reason, h, device, detail);
    if (DEBUG) log('buffer ' + this.ev.buf.toString() + ': reject heap ' + heapName(h) + ' (' + ReasonName(reason) + (device != NONE ? ', device ' + deviceName(device) : '') + ')');
  }

  /** Ranks a candidate: lower keys are tried first; ties keep platform order. `device` names the device the reason is about (NONE: none). */
  rank(h: u32, key: u32, reason: u32, device: u32 = NONE): void {
    store<u32>(keys + <usize>h * 4, key);
    store<u16>(keyReasons + <usize>h * 2, <u16>reason);
    store<u32>(keyDevices + <usize>h * 4, device);
    if (DEBUG) log('buffer ' + this.ev.buf.toString() + ': rank heap ' + heapName(h) + ' key ' + key.toString() + ' (' + ReasonName(reason) + ')');
  }

  key(h: u32): u32 { return load<u32>(keys + <usize>h * 4); }

  /**
   * Emits the decision: ALLOC from the best candidate (and SET_NAME when the request is named),
   * the chosen heap and the fallbacks in order with the reason of their rank; FAIL when none is left.
   */
  commit(): void {
    const ev = this.ev;
    let remaining = this.candidates;
    let rankNo: u32 = 0;
    let chosen: u32 = NONE;
    while (remaining != 0) {
      let best: u32 = NONE;
      let bestKey: u32 = 0xffffffff;
      for (let h: u32 = 0; h < heapCount(); h++) {
        if ((remaining & ((<u64>1) << h)) == 0) continue;
        const k = this.key(h);
        if (best == NONE || k < bestKey) { best = h; bestKey = k; }
      }
      remaining &= ~((<u64>1) << best);
      const reason = load<u16>(keyReasons + <usize>best * 2);
      emitExplain(<u8>Subject.HEAP, <u8>(rankNo == 0 ? Verdict.CHOSEN : Verdict.FALLBACK), reason, best, load<u32>(keyDevices + <usize>best * 4), rankNo);
      if (rankNo == 0) chosen = best;
      rankNo++;
    }
    if (DEBUG) log('buffer ' + ev.buf.toString() + ': ' + (chosen == NONE ? 'no heap fits' : 'chose heap ' + heapName(chosen) + ' with ' + (rankNo - 1).toString() + ' fallbacks'));
    if (chosen == NONE) {
      const reason = ev.devices == 0 ? Reason.NO_DEVICES : Reason.NO_HEAP_FITS;
      emitExplain(<u8>Subject.BUFFER, <u8>Verdict.REJECTED, <u16>reason, NONE, NONE, 0);
      emitOp(OpKind.FAIL, ev.buf, NONE, reason, 0);
      return;
    }
    emitOp(OpKind.ALLOC, ev.buf, chosen, this.fdFlags, roundedSize(ev.size, ev.devices, chosen));
    if ((ev.flags & BufferFlag.NAMED) != 0 && ev.nameLen > 0) {
      const at = emitBytes(input + EVENT_NAME_OFFSET, ev.nameLen);
      if (at >= 0) emitOp(OpKind.SET_NAME, ev.buf, chosen, ev.nameLen, <u64>at);
    }
  }
}

export const placement = new Placement();
