// One placement decision: the candidate heaps, the reasons each was dropped, the rank of the
// survivors, and the ALLOC / FAIL the host will execute. A single instance serves every
// PLACE event (no allocation per decision).
import { ReasonName, Event, Reason, Subject, Verdict, OpKind, BufferFlag, NONE, FD_FLAGS_DEFAULT, EVENT_NAME_OFFSET, EVENT_USAGE_OFFSET } from './abi/generated';
import { allHeaps } from './platform-masks';
import { emitOp, emitExplain, emitBytes, input } from './io';
import { roundedSize } from './constraints';
import { DEBUG, log, heapName, deviceName } from './debug';

// The decision in progress lives in module globals (wasm globals: no linear memory traffic).
let evAt: usize = 0;
let candidateMask: u64 = 0;
let rankedMask: u64 = 0;
let rankedByDeviceMask: u64 = 0; // ranked heaps whose reason names a device
// The request, read once from the event.
let reqSize: u64 = 0;
let reqDevices: u64 = 0;
let reqCpu: u32 = 0;
let reqFlags: u32 = 0;
let fdFlagsValue: u32 = FD_FLAGS_DEFAULT;
// Per heap, valid where rankedMask says so: its rank as key << 22 | reason, and the device the
// reason is about. commit() sorts key << 22 | heap << 16 | reason: by key, then heap index.
const ranks: usize = memory.data(64 * 8, 8);
const rankDevices: usize = memory.data(64 * 4, 4);
const order: usize = memory.data(64 * 8, 8);
const UNRANKED_KEY: u32 = 0xffff;
const KEY_SHIFT: u64 = 22;
const HEAP_SHIFT: u64 = 16;

export class Placement {
  /** The PLACE event being decided. */
  get ev(): Event { return Event.at(evAt); }
  set ev(e: Event) { evAt = changetype<usize>(e); }
  /** Heaps still in the running (bit h = heap h). */
  get candidates(): u64 { return candidateMask; }
  set candidates(m: u64) { candidateMask = m; }
  /** The fd flags the ALLOC asks for. */
  get fdFlags(): u32 { return fdFlagsValue; }
  set fdFlags(f: u32) { fdFlagsValue = f; }

  /** Starts a decision for event `ev`: every heap that has not already failed is a candidate. */
  begin(ev: Event): void {
    evAt = changetype<usize>(ev);
    fdFlagsValue = FD_FLAGS_DEFAULT;
    rankedMask = 0;
    rankedByDeviceMask = 0;
    reqSize = ev.size;
    reqDevices = ev.devices;
    reqCpu = ev.cpu;
    reqFlags = ev.flags;
    candidateMask = allHeaps();
    let failed = ev.failedHeaps & candidateMask;
    if (failed == 0) return;
    const errno = ev.lastErrno;
    do {
      this.reject(<u32>ctz(failed), NONE, Reason.ALLOC_FAILED, errno);
      failed &= failed - 1;
    } while (failed != 0);
  }

  get buf(): u32 { return this.ev.buf; }
  get size(): u64 { return reqSize; }
  get devices(): u64 { return reqDevices; }
  get cpu(): u32 { return reqCpu; }
  get isProtected(): bool { return (reqFlags & BufferFlag.PROTECTED) != 0; }
  /** Bytes already allocated from heap h (what the host reported with this event). */
  usage(h: u32): u64 { return load<u64>(input + EVENT_USAGE_OFFSET + <usize>h * 8); }

  alive(h: u32): bool { return (candidateMask & ((<u64>1) << h)) != 0; }
  hasDevice(d: u32): bool { return (this.ev.devices & ((<u64>1) << d)) != 0; }

  /** Drops heap h, recording the device at fault (or NONE) and the constraint. */
  reject(h: u32, device: u32, reason: u32, detail: u32): void {
    const b = (<u64>1) << h;
    if ((candidateMask & b) == 0) return;
    candidateMask &= ~b;
    emitExplain(<u8>Subject.HEAP, <u8>Verdict.REJECTED, <u16>reason, h, device, detail);
    if (DEBUG) log('buffer ' + this.ev.buf.toString() + ': reject heap ' + heapName(h) + ' (' + ReasonName(reason) + (device != NONE ? ', device ' + deviceName(device) : '') + ')');
  }

  /** Ranks a candidate: lower keys are tried first; ties keep platform order. `device` names the device the reason is about (NONE: none). */
  rank(h: u32, key: u32, reason: u32, device: u32 = NONE): void {
    store<u64>(ranks + <usize>h * 8, (<u64>key << KEY_SHIFT) | <u64>(reason & 0xffff));
    const b = (<u64>1) << h;
    rankedMask |= b;
    if (device == NONE) rankedByDeviceMask &= ~b;
    else {
      store<u32>(rankDevices + <usize>h * 4, device);
      rankedByDeviceMask |= b;
    }
    if (DEBUG) log('buffer ' + this.ev.buf.toString() + ': rank heap ' + heapName(h) + ' key ' + key.toString() + ' (' + ReasonName(reason) + ')');
  }

  /** Heap h's rank key (0xffff until rank() sets one). */
  key(h: u32): u32 { return (rankedMask & ((<u64>1) << h)) != 0 ? <u32>(load<u64>(ranks + <usize>h * 8) >> KEY_SHIFT) : UNRANKED_KEY; }

  /**
   * Emits the decision: ALLOC from the best candidate (and SET_NAME when the request is named),
   * the chosen heap and the fallbacks in order with the reason of their rank; FAIL when none is left.
   */
  @inline commit(): void {
    const ev = this.ev;
    // Insertion sort of the candidates; they arrive in heap order, mostly in key order too.
    let m = candidateMask & allHeaps();
    let n: u32 = 0;
    let chosen: u32 = NONE;
    if (m != 0) {
      do {
        const h = <u32>ctz(m);
        m &= m - 1;
        const b = (<u64>1) << h;
        const c = ((rankedMask & b) != 0 ? load<u64>(ranks + <usize>h * 8) : (<u64>UNRANKED_KEY << KEY_SHIFT)) | (<u64>h << HEAP_SHIFT);
        let j = n;
        if (j > 0 && load<u64>(order + <usize>(j - 1) * 8) > c) {
          do {
            store<u64>(order + <usize>j * 8, load<u64>(order + <usize>(j - 1) * 8));
            j--;
          } while (j > 0 && load<u64>(order + <usize>(j - 1) * 8) > c);
        }
        store<u64>(order + <usize>j * 8, c);
        n++;
      } while (m != 0);
      // The chosen heap, then the fallbacks in rank order, each with the reason of its rank.
      chosen = <u32>(load<u64>(order) >> HEAP_SHIFT) & 63;
      let rankNo: u32 = 0;
      do {
        const c = load<u64>(order + <usize>rankNo * 8);
        const h = <u32>(c >> HEAP_SHIFT) & 63;
        const device = (rankedByDeviceMask & ((<u64>1) << h)) != 0 ? load<u32>(rankDevices + <usize>h * 4) : NONE;
        emitExplain(<u8>Subject.HEAP, <u8>(rankNo == 0 ? Verdict.CHOSEN : Verdict.FALLBACK), <u16>c, h, device, rankNo);
        rankNo++;
      } while (rankNo < n);
    }
    if (DEBUG) log('buffer ' + ev.buf.toString() + ': ' + (chosen == NONE ? 'no heap fits' : 'chose heap ' + heapName(chosen) + ' with ' + (n - 1).toString() + ' fallbacks'));
    if (chosen == NONE) {
      const reason = reqDevices == 0 ? Reason.NO_DEVICES : Reason.NO_HEAP_FITS;
      emitExplain(<u8>Subject.BUFFER, <u8>Verdict.REJECTED, <u16>reason, NONE, NONE, 0);
      emitOp(OpKind.FAIL, ev.buf, NONE, reason, 0);
      return;
    }
    emitOp(OpKind.ALLOC, ev.buf, chosen, fdFlagsValue, roundedSize(reqSize, reqDevices, chosen));
    if ((reqFlags & BufferFlag.NAMED) != 0 && ev.nameLen > 0) {
      const at = emitBytes(input + EVENT_NAME_OFFSET, ev.nameLen);
      if (at >= 0) emitOp(OpKind.SET_NAME, ev.buf, chosen, ev.nameLen, <u64>at);
    }
  }
}

export const placement = new Placement();
