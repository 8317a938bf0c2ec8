/* Sync planning throughput in the C host: CPU and device begin/end events per second through
 * hw_engine on the model backend, on the fixture's typical buffer (a cached heap shared with
 * non-coherent devices, so the default policy issues and elides syncs as it plans the cache
 * domain); the same frame as bench/engine/event-throughput.ts. The calibration is the native C
 * decision on the fixture, so "event / native decision" compares across hosts.
 *   event-throughput CASES.bin FIXTURE_PLATFORM.json [--quick] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "heapwise.h"
#include "timing.h"

#define EVENTS_PER_FRAME 6

static hw_engine_t *engine;
static hw_buffer_id_t buf;
static np_platform native_platform;
static np_request native_request;

static void check(hw_status_t s, const char *what) {
  if (s == HW_OK) return;
  fprintf(stderr, "event-throughput: %s: %s\n", what, hw_engine_last_error(engine));
  exit(1);
}

/* One frame: the ISP writes, the CPU reads (histogram), the display scans out. */
static void frame(void) {
  check(hw_engine_device_begin(engine, buf, "isp", HW_ACCESS_WRITE), "device_begin isp");
  check(hw_engine_device_end(engine, buf, "isp"), "device_end isp");
  check(hw_engine_cpu_begin(engine, buf, HW_ACCESS_READ), "cpu_begin");
  check(hw_engine_cpu_end(engine, buf), "cpu_end");
  check(hw_engine_device_begin(engine, buf, "display", HW_ACCESS_READ), "device_begin display");
  check(hw_engine_device_end(engine, buf, "display"), "device_end display");
}

/* Batches are whole frames: n events rounded up to frames. */
static uint64_t run_events(uint32_t n) {
  for (uint32_t i = 0; i < (n + EVENTS_PER_FRAME - 1) / EVENTS_PER_FRAME; i++) frame();
  return hw_engine_events(engine);
}

static uint64_t run_native(uint32_t n) {
  static np_decision d;
  uint64_t s = 0;
  for (uint32_t i = 0; i < n; i++) {
    np_decide(&native_platform, &native_request, &d);
    s += d.heap;
  }
  return s;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: event-throughput CASES.bin FIXTURE_PLATFORM.json [--quick]\n");
    return 2;
  }
  int quick = argc > 3 && !strcmp(argv[3], "--quick");
  uint32_t count;
  bench_case *cs = load_cases("event-throughput", argv[1], &count);
  if (np_platform_from_blob(cs[0].blob, cs[0].blob_len, &native_platform) != 0) {
    fprintf(stderr, "event-throughput: %s: bad platform blob\n", argv[1]);
    return 2;
  }
  native_request = case_request(&cs[0]);

  hw_platform_t *platform = NULL;
  hw_policy_t *policy = NULL;
  hw_error_t *err = NULL;
  if (hw_platform_load_file(argv[2], &platform, &err) != HW_OK || hw_policy_load_builtin("default", NULL, &policy, &err) != HW_OK ||
      hw_engine_new(policy, platform, NULL, &engine, &err) != HW_OK) {
    fprintf(stderr, "event-throughput: %s\n", hw_error_message(err));
    return 1;
  }
  static case_app_storage storage;
  hw_alloc_request_t request = case_app_request(&cs[0], platform, &storage);
  check(hw_engine_allocate(engine, &request, &buf), "allocate");
  uint32_t before = hw_engine_events(engine);
  frame();
  if (hw_engine_events(engine) - before != EVENTS_PER_FRAME) {
    fprintf(stderr, "event-throughput: a frame handed the policy %u events, expected %d\n", hw_engine_events(engine) - before, EVENTS_PER_FRAME);
    return 1;
  }

  /* The Node benchmark's plan (bench/engine/event-throughput.ts). */
  bench_plan plan = quick ? (bench_plan){240, 30, 5} : (bench_plan){600, 300, 30};
  bench_subject subjects[] = {run_events, run_native};
  bench_stats st[2];
  bench_interleaved(subjects, 2, plan, st);
  check(hw_engine_free(engine, buf), "free");

  printf("BENCH_RESULT {\"host\":\"c\",\"perEventNs\":");
  bench_stats_json(stdout, &st[0]);
  printf(",\"eventsPerSecond\":{\"p50\":%.1f,\"p99\":%.1f},\"calibration\":", 1e9 / st[0].p50, 1e9 / st[0].p99);
  bench_stats_json(stdout, &st[1]);
  printf(",\"ratioToCalibration\":%.4f}\n", st[0].p50 / st[1].p50);
  hw_engine_delete(engine);
  hw_policy_delete(policy);
  hw_platform_delete(platform);
  free_cases(cs, count);
  return 0;
}
