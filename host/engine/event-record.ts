// The record of one event the engine hands a module. The BufferState handed in is kept as its
// eight 32-bit words in the record itself and written to the module's input region word by word:
// a 32-byte typed array per event (the old `state` field) was an allocation on every event, ~10 %
// of an engine cycle. `state` still reads as the bytes handed in, made on first read.
import { BufferStateLayout as BS } from '../abi/generated.js';
import type { EventRecord } from './engine.js';

export class EngineEvent implements EventRecord {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private s4: number;
  private s5: number;
  private s6: number;
  private s7: number;
  private bytes: Uint8Array | null = null;

  /** `stateWords`: the buffer's BufferState as words in machine order, copied now. */
  constructor(
    readonly index: number,
    readonly call: number,
    readonly kind: number,
    readonly buf: number,
    readonly device: number,
    readonly access: number,
    readonly size: bigint,
    readonly devices: bigint,
    readonly failedHeaps: bigint,
    readonly heap: number,
    readonly cpu: number,
    readonly flags: number,
    readonly lastErrno: number,
    readonly name: Uint8Array,
    readonly usage: bigint[] | null,
    stateWords: Uint32Array,
  ) {
    this.s0 = stateWords[0]!;
    this.s1 = stateWords[1]!;
    this.s2 = stateWords[2]!;
    this.s3 = stateWords[3]!;
    this.s4 = stateWords[4]!;
    this.s5 = stateWords[5]!;
    this.s6 = stateWords[6]!;
    this.s7 = stateWords[7]!;
  }

  /** The BufferState handed in, as bytes (the same bytes the words hold). */
  get state(): Uint8Array {
    if (this.bytes) return this.bytes;
    const w = new Uint32Array(BS.SIZE >>> 2);
    this.stateInto(w, 0);
    return (this.bytes = new Uint8Array(w.buffer));
  }

  /** Writes the BufferState's words at word `at` of `u32` (same machine order: the bytes come out as handed in). */
  stateInto(u32: Uint32Array, at: number): void {
    u32[at] = this.s0;
    u32[at + 1] = this.s1;
    u32[at + 2] = this.s2;
    u32[at + 3] = this.s3;
    u32[at + 4] = this.s4;
    u32[at + 5] = this.s5;
    u32[at + 6] = this.s6;
    u32[at + 7] = this.s7;
  }
}
