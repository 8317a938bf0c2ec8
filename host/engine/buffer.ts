// A buffer as the engine tracks it: the request, its attachments, placement, fd and the
// BufferState the policy keeps in it between events.
import { BufferStateLayout } from '../abi/generated.js';
import type { CpuUse } from '../platform/types.js';
import type { Decision } from './decision.js';

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
  decision: Decision | null = null;
  exported = false;
  freed = false;
  /** Attached devices, bit i = platform device i. */
  devices: bigint;
  /** Access of the open CPU bracket (0 when the CPU is not accessing). */
  cpuAccess = 0;
  /** Devices between deviceBegin and deviceEnd, with their access. */
  deviceAccess = new Map<number, number>();
  /** The policy's BufferState, carried between events and across policy swaps. */
  state: Uint8Array = new Uint8Array(BufferStateLayout.SIZE);
  /** Bytes of the request (exact). */
  readonly requested: bigint;
  readonly nameBytes: Uint8Array;

  constructor(readonly id: number, readonly request: Readonly<AllocateRequest>, devices: bigint) {
    this.devices = devices;
    this.requested = BigInt(request.size);
    this.nameBytes = new TextEncoder().encode(request.name ?? '');
  }

  get placed(): boolean {
    return this.heapIndex >= 0;
  }

  get label(): string {
    return this.request.name ? `buffer ${this.id} (${this.request.name})` : `buffer ${this.id}`;
  }
}
