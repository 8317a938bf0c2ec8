// Batch timing shared by the Node and Deno benchmarks. One sample = the time of a batch divided
// by its size; p50 and p99 are taken over batches. Subjects run in alternation, batch after
// batch, so a noisy neighbour slows them alike and the ratio between them stays meaningful.

/** Runs `n` operations and returns something derived from them (kept, so nothing is optimised away). */
export type Subject = (n: number) => number;

export interface BatchStats {
  /** Nanoseconds per operation. */
  p50: number;
  p99: number;
  min: number;
  mean: number;
  batches: number;
  batchSize: number;
}

export interface BatchPlan {
  batchSize: number;
  batches: number;
  /** Batches run per subject before sampling (JIT tiers, caches). */
  warmup: number;
}

export let sink = 0;

export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

export function stats(samples: number[], batchSize: number): BatchStats {
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return { p50: percentile(s, 0.5), p99: percentile(s, 0.99), min: s[0]!, mean, batches: s.length, batchSize };
}

export function timeInterleaved(subjects: Record<string, Subject>, plan: BatchPlan): Record<string, BatchStats> {
  const names = Object.keys(subjects);
  for (const name of names) for (let i = 0; i < plan.warmup; i++) sink ^= subjects[name]!(plan.batchSize);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let b = 0; b < plan.batches; b++) {
    // Rotate the order too: whoever runs first after a pause pays for it equally often.
    for (let k = 0; k < names.length; k++) {
      const name = names[(b + k) % names.length]!;
      const run = subjects[name]!;
      const t0 = performance.now();
      sink ^= run(plan.batchSize);
      samples[name]!.push(((performance.now() - t0) * 1e6) / plan.batchSize);
    }
  }
  return Object.fromEntries(names.map((n) => [n, stats(samples[n]!, plan.batchSize)]));
}
