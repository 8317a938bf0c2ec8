#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "timing.h"

volatile uint64_t bench_sink;

double bench_now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Nearest rank, as percentile() in bench/lib/batches.ts. */
static double rank(const double *sorted, uint32_t n, double q) {
  long i = (long)ceil(q * n) - 1;
  if (i < 0) i = 0;
  if (i >= (long)n) i = n - 1;
  return sorted[i];
}

void bench_interleaved(const bench_subject *subjects, int count, bench_plan plan, bench_stats *out) {
  double *samples = calloc((size_t)count * plan.batches, sizeof *samples);
  for (int s = 0; s < count; s++)
    for (uint32_t i = 0; i < plan.warmup; i++) bench_sink ^= subjects[s](plan.batch_size);
  for (uint32_t b = 0; b < plan.batches; b++) {
    for (int k = 0; k < count; k++) {
      int s = (int)((b + k) % count);
      double t0 = bench_now_ns();
      bench_sink ^= subjects[s](plan.batch_size);
      samples[s * plan.batches + b] = (bench_now_ns() - t0) / plan.batch_size;
    }
  }
  for (int s = 0; s < count; s++) {
    double *x = samples + s * plan.batches;
    qsort(x, plan.batches, sizeof *x, cmp);
    double sum = 0;
    for (uint32_t i = 0; i < plan.batches; i++) sum += x[i];
    out[s] = (bench_stats){rank(x, plan.batches, 0.5), rank(x, plan.batches, 0.99), x[0], sum / plan.batches, plan.batches, plan.batch_size};
  }
  free(samples);
}

void bench_stats_json(FILE *f, const bench_stats *s) {
  fprintf(f, "{\"p50\":%.2f,\"p99\":%.2f,\"min\":%.2f,\"mean\":%.2f,\"batches\":%u,\"batchSize\":%u}", s->p50, s->p99, s->min, s->mean, s->batches, s->batch_size);
}
