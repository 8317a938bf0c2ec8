// A bounded series over a growing event axis: at most `maxPoints` buckets; when the axis
// outgrows them, neighbouring buckets merge pairwise and the bucket width doubles. Gauges
// (bytes in use) keep the maximum of a bucket, so a short peak never disappears; counters
// (syncs, fallbacks) keep the sum, so totals survive any amount of merging.

export interface BucketSeries {
  /** Events per bucket (a power of two). */
  width: number;
  /** First event of each bucket. */
  x: number[];
  /** Per gauge channel: the maximum within each bucket. */
  gauges: number[][];
  /** Per counter channel: the sum within each bucket. */
  counters: number[][];
}

export class Buckets {
  private width = 1;
  /** Buckets in use (the last one is the current one). */
  private used = 0;
  private readonly gauge: Float64Array[];
  private readonly counter: Float64Array[];
  /** Current value of each gauge, carried into every new bucket. */
  private readonly level: Float64Array;

  constructor(private readonly maxPoints: number, gauges: number, counters: number) {
    if (!Number.isInteger(maxPoints) || maxPoints < 2) throw new RangeError(`maxPoints must be an integer of at least 2, got ${maxPoints}`);
    this.gauge = Array.from({ length: gauges }, () => new Float64Array(maxPoints));
    this.counter = Array.from({ length: counters }, () => new Float64Array(maxPoints));
    this.level = new Float64Array(gauges);
  }

  /** Moves the axis to event `x` (never backwards): opens the buckets up to it. */
  at(x: number): void {
    while (Math.floor(x / this.width) >= this.maxPoints) this.halve();
    const b = Math.floor(x / this.width);
    for (let i = this.used; i <= b; i++) {
      for (let g = 0; g < this.gauge.length; g++) this.gauge[g]![i] = this.level[g]!;
      for (const c of this.counter) c[i] = 0;
    }
    if (b + 1 > this.used) this.used = b + 1;
  }

  /** Sets gauge `g` to `value` at the current event. */
  set(g: number, value: number): void {
    this.level[g] = value;
    const cur = this.used - 1;
    if (cur < 0) return;
    const arr = this.gauge[g]!;
    if (value > arr[cur]!) arr[cur] = value;
  }

  /** Adds `n` to counter `c` in the bucket of event `x` (default: the current one). */
  add(c: number, n = 1, x?: number): void {
    if (this.used === 0) this.at(0);
    const b = x === undefined ? this.used - 1 : Math.min(Math.floor(x / this.width), this.used - 1);
    this.counter[c]![Math.max(0, b)]! += n;
  }

  private halve(): void {
    const half = Math.ceil(this.used / 2);
    for (const arr of this.gauge) {
      for (let i = 0; i < half; i++) arr[i] = Math.max(arr[2 * i]!, 2 * i + 1 < this.used ? arr[2 * i + 1]! : -Infinity);
    }
    for (const arr of this.counter) {
      for (let i = 0; i < half; i++) arr[i] = arr[2 * i]! + (2 * i + 1 < this.used ? arr[2 * i + 1]! : 0);
    }
    this.used = half;
    this.width *= 2;
  }

  series(): BucketSeries {
    const n = this.used;
    return {
      width: this.width,
      x: Array.from({ length: n }, (_, i) => i * this.width),
      gauges: this.gauge.map((a) => Array.from(a.subarray(0, n))),
      counters: this.counter.map((a) => Array.from(a.subarray(0, n))),
    };
  }
}
