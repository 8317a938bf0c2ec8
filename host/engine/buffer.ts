// A buffer as the engine tracks it: the request, its attachments, placement, fd and the
// BufferState the policy keeps in it between events.
import { BufferStateLayout } from '../abi/generated.js';
import type { CpuUse } from '../platform/types.js';
import { decisionFromFacts, type Decision, type DecisionFacts } from './decision.js';

const utf8 = new TextEncoder();

// Most buffers are unnamed: they share one empty name (a typed array costs more to allocate than
// the rest of nameBytesOf; an empty one cannot be written to).
const NO_NAME = new Uint8Array(0);

/** A buffer name as UTF-8; names are short and ASCII in practice, which needs no encoder call. */
export function nameBytesOf(name: string): Uint8Array {
  if (typeof name !== 'string') return utf8.encode(name);
  if (name.length === 0) return NO_NAME;
  const out = new Uint8Array(name.length);
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c > 0x7f) return utf8.encode(name);
    out[i] = c;
  }
  return out;
}

export interface AllocateRequest {
  /** Bytes requested (rounded up by the policy to page, alignment and granule). */
  size: number | bigint;
  /** Names of every device that will attach (more may attach later with attach()). */
  devices: string[];
  /** How the CPU will use the buffer (default "none"). */
  cpu?: CpuUse;
  protected?: boolean;
  /** DMA_BUF_SET_NAME name, at most 31 bytes. */
  name?: string;
  /** Defer placement to the first use, so every attached device's constraints count (seed 004). */
  deferred?: boolean;
}

export class Buffer {
  /** Heap the buffer was placed in (null until placed, or when nothing fit). */
  heap: string | null = null;
  heapIndex = -1;
  /** The dma-buf fd; owned by the engine, closed by free(). */
  fd: number | null = null;
  /** Rounded size in bytes once placed. */
  size = 0n;
  private decided: Decision | null = null;
  /** What the last PLACE fixed, until somebody reads `decision` (most placements are never explained). */
  private facts: DecisionFacts | null = null;
  exported = false;
  freed = false;
  /** Attached devices, bit i = platform device i. */
  devices: bigint;
  /** Access of the open CPU bracket (0 when the CPU is not accessing). */
  cpuAccess = 0;
  /** Devices between deviceBegin and deviceEnd, with their access. */
  deviceAccess = new Map<number, number>();
  /**
   * The policy's BufferState (carried between events and across policy swaps) as its eight
   * words in machine order, so that copying them between typed arrays keeps the ABI's bytes.
   * No byte view over it: taking an on-heap typed array's `.buffer` moves it off the heap,
   * which cost more than the copies it saved.
   */
  readonly stateWords = new Uint32Array(BufferStateLayout.SIZE >>> 2);
  /** Bytes of the request (exact). */
  readonly requested: bigint;
  readonly nameBytes: Uint8Array;

  /** `nameBytes`: the request's name as UTF-8, when the caller has already encoded it. */
  constructor(readonly id: number, readonly request: Readonly<AllocateRequest>, devices: bigint, nameBytes?: Uint8Array) {
    this.devices = devices;
    this.requested = BigInt(request.size);
    this.nameBytes = nameBytes ?? nameBytesOf(request.name ?? '');
  }

  /** The policy's BufferState now: a copy (later events do not change it). */
  get state(): Uint8Array {
    return new Uint8Array(this.stateWords.slice().buffer);
  }

  /** How the buffer was placed (or why not), with its sentences: written when first read. */
  get decision(): Decision | null {
    if (this.facts !== null) {
      this.decided = decisionFromFacts(this.facts);
      this.facts = null;
    }
    return this.decided;
  }

  set decision(d: Decision | null) {
    this.decided = d;
    this.facts = null;
  }

  /** The engine records a PLACE answer; `decision` turns it into sentences on demand. */
  decideFrom(facts: DecisionFacts): void {
    this.facts = facts;
    this.decided = null;
  }

  /** The last PLACE answered FAIL (no heap fits). */
  get unplaceable(): boolean {
    return this.facts !== null ? this.facts.heap === null : this.decided !== null && this.decided.heap === null;
  }

  get placed(): boolean {
    return this.heapIndex >= 0;
  }

  get label(): string {
    return this.request.name ? `buffer ${this.id} (${this.request.name})` : `buffer ${this.id}`;
  }
}
