/* Batch timing for the C benchmarks, the same method as bench/lib/batches.ts: one sample = a
 * batch's time divided by its size, p50/p99 over batches, subjects run in rotation so noise
 * hits them alike. */
#ifndef BENCH_TIMING_H
#define BENCH_TIMING_H

#include <stdint.h>
#include <stdio.h>

typedef uint64_t (*bench_subject)(uint32_t n);

typedef struct bench_plan {
  uint32_t batch_size, batches, warmup;
} bench_plan;

typedef struct bench_stats {
  double p50, p99, min, mean; /* ns per operation */
  uint32_t batches, batch_size;
} bench_stats;

double bench_now_ns(void);
void bench_interleaved(const bench_subject *subjects, int count, bench_plan plan, bench_stats *out);
void bench_stats_json(FILE *f, const bench_stats *s);

#endif
