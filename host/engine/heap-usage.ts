// Bytes allocated per heap, handed to the module with every PLACE. When the engine created its
// backend itself, nothing but the engine allocates from it, so the engine counts its own
// successful ALLOCs and closes as both backends count them (the length rounded up to a page;
// udmabuf's exact length); a backend passed in may be shared, so it is asked every time.
import { HeapKind } from '../abi/generated.js';
import type { Backend, BackendHeap } from '../backend/backend.js';

const PAGE = 4096n;

export class HeapUsage {
  private readonly counted: bigint[] | null;

  constructor(private readonly backend: Backend, private readonly heaps: readonly BackendHeap[], ownsBackend: boolean) {
    this.counted = ownsBackend ? heaps.map(() => 0n) : null;
  }

  /** A fresh array (the event record keeps it). */
  snapshot(): bigint[] {
    if (this.counted) return this.counted.slice();
    return this.heaps.map((h) => BigInt(this.backend.usage(h)));
  }

  allocated(heap: number, len: bigint): void {
    if (this.counted) this.counted[heap] = this.counted[heap]! + this.charged(heap, len);
  }

  closed(heap: number, len: bigint): void {
    if (this.counted) this.counted[heap] = this.counted[heap]! - this.charged(heap, len);
  }

  private charged(heap: number, len: bigint): bigint {
    if (this.heaps[heap]!.kind === HeapKind.UDMABUF || len % PAGE === 0n) return len;
    return ((len + PAGE - 1n) / PAGE) * PAGE;
  }
}
