/* Decision latency in the C host: the wasm2c default policy (wasm_decision.c) against the same
 * policy in plain C (bench/native/default_policy.c), after checking that both decide alike on
 * every case; then what an application pays per placement through the public API
 * (hw_engine_allocate + hw_engine_free on the model backend).
 *   decision-latency CASES.bin FIXTURE_PLATFORM.json FIXTURE_REQUEST_NAME [--quick]
 * CASES.bin comes from bench/decision/export-cases.ts: the fixture first, then every example
 * request, each as the ABI platform blob and the PLACE event bytes the Node host encodes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "heapwise.h"
#include "timing.h"
#include "wasm_decision.h"

typedef struct bench_case {
  char label[256];
  uint8_t *blob;
  uint32_t blob_len;
  uint8_t event[HW_INPUT_CAPACITY];
  uint32_t event_len;
} bench_case;

static uint32_t read32(FILE *f) {
  uint32_t v = 0;
  if (fread(&v, 4, 1, f) != 1) { fprintf(stderr, "decision-latency: truncated cases file\n"); exit(2); }
  return v;
}

static bench_case *load_cases(const char *path, uint32_t *count) {
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); exit(2); }
  if (read32(f) != 0x43425748u) { fprintf(stderr, "%s: not a cases file\n", path); exit(2); } /* "HWBC" */
  *count = read32(f);
  bench_case *cs = calloc(*count, sizeof *cs);
  for (uint32_t i = 0; i < *count; i++) {
    uint32_t n = read32(f);
    if (n >= sizeof cs[i].label || fread(cs[i].label, 1, n, f) != n) exit(2);
    cs[i].blob_len = read32(f);
    cs[i].blob = malloc(cs[i].blob_len);
    if (fread(cs[i].blob, 1, cs[i].blob_len, f) != cs[i].blob_len) exit(2);
    cs[i].event_len = read32(f);
    if (cs[i].event_len > sizeof cs[i].event || fread(cs[i].event, 1, cs[i].event_len, f) != cs[i].event_len) exit(2);
  }
  fclose(f);
  return cs;
}

static np_request request_of(const wd_buffer *b) {
  return (np_request){.size = b->requested, .devices = b->devices, .failed_heaps = 0, .cpu = b->cpu, .last_errno = 0,
                      .protected_content = (b->flags & HW_BUFFER_FLAG_PROTECTED) != 0};
}

static int same(const np_decision *a, const np_decision *b) {
  if (a->heap != b->heap || a->size != b->size || a->fd_flags != b->fd_flags || a->failure != b->failure) return 0;
  if (a->ranking_count != b->ranking_count || a->rejected_count != b->rejected_count) return 0;
  for (uint32_t i = 0; i < a->ranking_count; i++)
    if (memcmp(&a->ranking[i], &b->ranking[i], sizeof a->ranking[i])) return 0;
  for (uint32_t i = 0; i < a->rejected_count; i++)
    if (memcmp(&a->rejected[i], &b->rejected[i], sizeof a->rejected[i])) return 0;
  return 1;
}

static void print_decision(const char *who, const np_decision *d) {
  fprintf(stderr, "  %-6s heap %u size %llu failure %u ranking", who, d->heap, (unsigned long long)d->size, d->failure);
  for (uint32_t i = 0; i < d->ranking_count; i++) fprintf(stderr, " [%u %u %u]", d->ranking[i].heap, d->ranking[i].code, d->ranking[i].device);
  fprintf(stderr, " rejected");
  for (uint32_t i = 0; i < d->rejected_count; i++) fprintf(stderr, " [%u %u %u %u]", d->rejected[i].heap, d->rejected[i].device, d->rejected[i].code, d->rejected[i].detail);
  fprintf(stderr, "\n");
}

/* ---- subjects: each runs n decisions and returns something derived from them ---------------- */

static wd_policy *policy;
static np_platform fixture;
static wd_buffer fixture_buffer;
static np_request fixture_request;
static np_decision scratch;

static uint64_t run_wasm(uint32_t n) {
  uint64_t s = 0;
  for (uint32_t i = 0; i < n; i++) {
    if (wd_decide(policy, &fixture, &fixture_buffer, &scratch) != 0) { fprintf(stderr, "decision-latency: module fault\n"); exit(1); }
    s += scratch.heap;
  }
  return s;
}

static uint64_t run_native(uint32_t n) {
  uint64_t s = 0;
  for (uint32_t i = 0; i < n; i++) {
    np_decide(&fixture, &fixture_request, &scratch);
    s += scratch.heap;
  }
  return s;
}

static uint32_t fixture_len;

static uint64_t run_encode(uint32_t n) {
  uint64_t s = 0;
  for (uint32_t i = 0; i < n; i++) s += wd_encode(policy, &fixture, &fixture_buffer);
  return s;
}

static uint64_t run_call(uint32_t n) {
  uint64_t s = 0;
  for (uint32_t i = 0; i < n; i++) s += (uint64_t)wd_call(policy, fixture_len);
  return s;
}

static uint64_t run_call_bare(uint32_t n) {
  uint64_t s = 0;
  for (uint32_t i = 0; i < n; i++) s += wd_call_bare(policy, fixture_len);
  return s;
}

static uint64_t run_read(uint32_t n) {
  uint64_t s = 0;
  for (uint32_t i = 0; i < n; i++) s += (uint64_t)wd_read(policy, &fixture, &fixture_buffer, &scratch) + scratch.heap;
  return s;
}

static hw_engine_t *engine;
static hw_alloc_request_t app_request;

static uint64_t run_engine(uint32_t n) {
  uint64_t s = 0;
  for (uint32_t i = 0; i < n; i++) {
    hw_buffer_id_t id = 0;
    if (hw_engine_allocate(engine, &app_request, &id) != HW_OK || hw_engine_free(engine, id) != HW_OK) {
      fprintf(stderr, "decision-latency: %s\n", hw_engine_last_error(engine));
      exit(1);
    }
    s += id;
  }
  return s;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: decision-latency CASES.bin FIXTURE_PLATFORM.json [--quick]\n");
    return 2;
  }
  int quick = argc > 3 && !strcmp(argv[3], "--quick");
  uint32_t count;
  bench_case *cs = load_cases(argv[1], &count);
  policy = wd_policy_new();
  if (!policy) { fprintf(stderr, "decision-latency: cannot instantiate the policy\n"); return 1; }

  /* Agreement first: a baseline that decides differently is worthless. */
  int disagreements = 0;
  for (uint32_t i = 0; i < count; i++) {
    np_platform p;
    wd_buffer b;
    np_decision w, nat;
    if (np_platform_from_blob(cs[i].blob, cs[i].blob_len, &p) != 0 || wd_policy_init(policy, cs[i].blob, cs[i].blob_len) != 0) {
      fprintf(stderr, "decision-latency: %s: bad platform blob\n", cs[i].label);
      return 1;
    }
    wd_buffer_from_event(cs[i].event, &b);
    np_request r = request_of(&b);
    if (wd_decide(policy, &p, &b, &w) != 0) { fprintf(stderr, "decision-latency: %s: module fault\n", cs[i].label); return 1; }
    np_decide(&p, &r, &nat);
    if (!same(&w, &nat)) {
      disagreements++;
      fprintf(stderr, "DISAGREE %s\n", cs[i].label);
      print_decision("wasm", &w);
      print_decision("native", &nat);
    }
  }
  if (disagreements) {
    printf("BENCH_RESULT {\"host\":\"c\",\"agreement\":{\"cases\":%u,\"disagreements\":%d}}\n", count, disagreements);
    return 3;
  }
  fprintf(stderr, "c: native and WASM policies agree on %u requests\n", count);

  np_platform_from_blob(cs[0].blob, cs[0].blob_len, &fixture);
  wd_policy_init(policy, cs[0].blob, cs[0].blob_len);
  wd_buffer_from_event(cs[0].event, &fixture_buffer);
  fixture_request = request_of(&fixture_buffer);

  bench_plan plan = quick ? (bench_plan){1000, 60, 10} : (bench_plan){1000, 600, 60};
  const char *names[] = {"wasm", "native"};
  bench_subject subjects[] = {run_wasm, run_native};
  bench_stats st[2];
  bench_interleaved(subjects, 2, plan, st);

  /* Where the WASM decision's time goes (same steps as the whole, one at a time). */
  fixture_len = wd_encode(policy, &fixture, &fixture_buffer);
  const char *step_names[] = {"encode event", "hw_event (lock, trap guard, fuel set)", "hw_event bare (fuel set only)", "read + validate answer"};
  bench_subject steps[] = {run_encode, run_call, run_call_bare, run_read};
  bench_stats step_stats[4];
  bench_plan step_plan = {plan.batch_size, plan.batches / 4, plan.warmup / 4 + 1};
  bench_interleaved(steps, 4, step_plan, step_stats);

  /* The public API: the fixture platform from its JSON, the same request, model backend. */
  hw_platform_t *platform = NULL;
  hw_policy_t *builtin = NULL;
  hw_error_t *err = NULL;
  if (hw_platform_load_file(argv[2], &platform, &err) != HW_OK || hw_policy_load_builtin("default", NULL, &builtin, &err) != HW_OK ||
      hw_engine_new(builtin, platform, NULL, &engine, &err) != HW_OK) {
    fprintf(stderr, "decision-latency: %s\n", hw_error_message(err));
    return 1;
  }
  static const char *devices[HW_MAX_DEVICES];
  size_t ndev = 0;
  for (uint32_t d = 0; d < 64; d++)
    if (fixture_buffer.devices & ((uint64_t)1 << d)) devices[ndev++] = hw_platform_device_name(platform, d);
  static char name[HW_NAME_CAPACITY];
  memcpy(name, fixture_buffer.name, fixture_buffer.name_len);
  app_request = (hw_alloc_request_t){fixture_buffer.requested, devices, ndev, fixture_buffer.cpu,
                                     (fixture_buffer.flags & HW_BUFFER_FLAG_PROTECTED) != 0, fixture_buffer.name_len ? name : NULL, 0};
  bench_plan app_plan = {plan.batch_size / 4, plan.batches / 4, plan.warmup / 4 + 1};
  bench_subject app_subjects[] = {run_engine};
  bench_stats app;
  bench_interleaved(app_subjects, 1, app_plan, &app);
  hw_engine_delete(engine);
  hw_policy_delete(builtin);
  hw_platform_delete(platform);

  printf("BENCH_RESULT {\"host\":\"c\",\"agreement\":{\"cases\":%u,\"disagreements\":[]},\"decision\":{", count);
  for (int i = 0; i < 2; i++) {
    printf("%s\"%s\":", i ? "," : "", names[i]);
    bench_stats_json(stdout, &st[i]);
  }
  printf("},\"breakdown\":{");
  for (int i = 0; i < 4; i++) {
    printf("%s\"%s\":", i ? "," : "", step_names[i]);
    bench_stats_json(stdout, &step_stats[i]);
  }
  printf("},\"ratio\":{\"p50\":%.4f,\"p99\":%.4f},\"app\":{\"hw_engine_allocate + hw_engine_free (model backend)\":", st[0].p50 / st[1].p50, st[0].p99 / st[1].p99);
  bench_stats_json(stdout, &app);
  printf("}}\n");
  wd_policy_delete(policy);
  for (uint32_t i = 0; i < count; i++) free(cs[i].blob);
  free(cs);
  return 0;
}
