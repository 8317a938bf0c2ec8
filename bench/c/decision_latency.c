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

#include "cases.h"
#include "heapwise.h"
#include "timing.h"
#include "wasm_decision.h"

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
  bench_case *cs = load_cases("decision-latency", argv[1], &count);
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
    np_request r = case_request(&cs[i]);
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
  fixture_request = case_request(&cs[0]);

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
  static case_app_storage app_storage;
  app_request = case_app_request(&cs[0], platform, &app_storage);
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
  free_cases(cs, count);
  return 0;
}
