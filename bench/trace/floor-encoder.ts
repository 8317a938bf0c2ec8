// Not a trace format: the least any recorder of this content must do per record, to bound what
// an encoding can reach on this engine (issue 6 asks recording to cost ~20 % of decision time).
// Attached through the same engine tap as the real recorders, it writes word-aligned records
// with no framing a reader could check and no CRC: a call as two words; a PLACE event's whole
// image but any other event as two words (its other fields and the BufferState handed in follow
// from the buffer's earlier records); an answer's counts, new BufferState, ops and explanations;
// a result as one word. Nobody can read it back; it only counts its bytes.
import type { AllocateRequest } from '../../host/engine/buffer.js';
import type { EventRecord, OpResult } from '../../host/engine/engine.js';
import type { Outcome } from '../../host/engine/outcome.js';
import { EventKind, OUT_EXPLAIN_OFFSET, OUT_OPS_OFFSET, OutHeaderLayout as OH } from '../../host/abi/generated.js';
import type { TraceEncoder } from '../../host/trace/trace-encoder.js';

const ACCESS: Record<string, number> = { read: 1, write: 2, readwrite: 3 };

export class FloorEncoder implements TraceEncoder {
  private u32 = new Uint32Array(1 << 16);
  private n = 0;
  bytes = 0;

  private room(words: number): void {
    if (this.n + words <= this.u32.length) return;
    this.bytes += this.n * 4;
    this.n = 0;
  }

  header(): void {}

  call(_n: number, op: number, buf: number, device: number, access: string | undefined, _r: AllocateRequest | undefined): void {
    this.room(2);
    const k = this.n;
    this.u32[k] = op | ((device & 0xff) << 8) | ((access === undefined ? 0 : ACCESS[access] ?? 0) << 16);
    this.u32[k + 1] = buf;
    this.n = k + 2;
  }

  event(ev: EventRecord, image: Uint8Array): void {
    if (ev.kind === EventKind.PLACE) {
      const words = image.length >> 2;
      this.room(words);
      this.u32.set(new Uint32Array(image.buffer, image.byteOffset, words), this.n);
      this.n += words;
      return;
    }
    this.room(2);
    const k = this.n;
    this.u32[k] = ev.kind | ((ev.device & 0xff) << 8) | (ev.access << 16);
    this.u32[k + 1] = ev.buf;
    this.n = k + 2;
  }

  answer(_i: number, out: Outcome): void {
    const m = out.inst.u32;
    const base = out.inst.output >> 2;
    const ops = m[base + (OH.opCount >> 2)]!;
    const explains = m[base + (OH.explainCount >> 2)]!;
    this.room(1 + (OUT_OPS_OFFSET >> 2) + ops * 6 + explains * 4);
    const u = this.u32;
    let k = this.n;
    u[k++] = ops | (explains << 16);
    // The new BufferState (the OutHeader's last eight words), the ops, the explanations.
    for (let j = base + (OH.state >> 2), end = base + (OUT_OPS_OFFSET >> 2) + ops * 6; j < end; j++) u[k++] = m[j]!;
    for (let j = base + (OUT_EXPLAIN_OFFSET >> 2), end = j + explains * 4; j < end; j++) u[k++] = m[j]!;
    this.n = k;
  }

  result(_i: number, _op: number, r: OpResult): void {
    this.room(1);
    this.u32[this.n++] = r.ok ? (r.fd ?? 0) : 0x80000000 | r.errno;
  }

  log(): void {}
  fault(): void {}
  swap(): void {}
  end(): void {
    this.bytes += this.n * 4;
    this.n = 0;
  }
}
