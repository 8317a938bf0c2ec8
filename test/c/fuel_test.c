/* Fuel: the budget is set before every call, counted at the instrumentation points every host
 * counts at (so a budget runs out at the same event everywhere), exhausted budgets are faults
 * of kind "fuel" (at load: refusals), traces record the real budget and replay enforces it. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "heapwise.h"

#define SO(name) HW_BUILD_DIR "/policies/" name ".so"

static const char *GPU[] = {"gpu"};

static hw_platform_t *one_heap(void) {
  hw_platform_t *p = NULL;
  hw_platform_new("fuel-board", &p, NULL);
  hw_heap_spec_t h = {"system", 0, HW_DEFAULT, HW_DEFAULT, HW_DEFAULT, 0, 0, 0};
  hw_platform_add_heap(p, &h, NULL);
  hw_device_spec_t d = {"gpu", 64, 1, 1, HW_DEFAULT, 0, 0, NULL, 0};
  hw_platform_add_device(p, &d, NULL);
  return p;
}

static hw_engine_t *meter(uint32_t fuel, const hw_platform_t *p) {
  hw_policy_options_t po = {.fuel = fuel};
  hw_policy_t *pol = NULL;
  hw_engine_t *e = NULL;
  hw_error_t *err = NULL;
  if (hw_policy_load_file(SO("fuel-meter"), &po, &pol, &err) == HW_OK) hw_engine_new(pol, p, NULL, &e, &err);
  if (err) fprintf(stderr, "%s\n", hw_error_message(err));
  hw_error_delete(err);
  hw_policy_delete(pol);
  return e;
}

/* fuel-meter spends about size / 4096 units per event: find what a 1 MiB PLACE costs, then a
 * budget of exactly that passes and one unit less runs out, at that event, with Node's message. */
static void exact_budget(void) {
  hw_platform_t *p = one_heap();
  hw_engine_t *e = meter(0, p);
  CHECK(e, "fuel-meter.so");
  CHECK(hw_policy_fuel(hw_engine_policy(e)) == 10000000, "default budget %u", hw_policy_fuel(hw_engine_policy(e)));
  hw_alloc_request_t r = {1 << 20, GPU, 1, HW_ACCESS_NONE, 0, NULL, 0};
  hw_buffer_id_t id;
  CHECK(hw_engine_allocate(e, &r, &id) == HW_OK, "%s", hw_engine_last_error(e));
  uint32_t cost = hw_engine_last_fuel(e);
  CHECK(cost > 256 && cost < 300, "a 1 MiB PLACE costs %u units (256 iterations and a few entries)", cost);
  hw_engine_delete(e);
  e = meter(cost, p);
  CHECK(hw_engine_allocate(e, &r, &id) == HW_OK, "a budget of exactly %u passes: %s", cost, hw_engine_last_error(e));
  CHECK(hw_engine_last_fuel(e) == cost, "spent %u", hw_engine_last_fuel(e));
  /* Per call, not per engine: the same event again is served under the same budget. */
  CHECK(hw_engine_allocate(e, &r, &id) == HW_OK, "the budget is set again before every call: %s", hw_engine_last_error(e));
  hw_engine_delete(e);
  e = meter(cost - 1, p);
  hw_status_t st = hw_engine_allocate(e, &r, &id);
  CHECK_STATUS(st, HW_ERR_POLICY_FAULT, hw_engine_last_error(e));
  char want[256];
  snprintf(want, sizeof want, "policy module %s: hw_event ran out of fuel: budget of %u units exhausted", SO("fuel-meter"), cost - 1);
  CHECK(!strcmp(hw_engine_last_error(e), want), "%s", hw_engine_last_error(e));
  CHECK(hw_engine_last_fuel(e) == cost - 1, "the whole budget is spent: %u", hw_engine_last_fuel(e));
  /* Smaller requests still fit, but the instance is poisoned, as after any trap. */
  hw_alloc_request_t small = {4096, GPU, 1, HW_ACCESS_NONE, 0, NULL, 0};
  CHECK(hw_engine_allocate(e, &small, &id) == HW_ERR_POLICY_FAULT && strstr(hw_engine_last_error(e), "instance unusable after an earlier fault"), "%s",
        hw_engine_last_error(e));
  hw_engine_delete(e);
  hw_platform_delete(p);
}

/* A start function that never returns is stopped by the budget at load. */
static void start_function(void) {
  hw_policy_options_t po = {.fuel = 5000};
  hw_policy_t *pol = NULL;
  hw_error_t *err = NULL;
  hw_status_t st = hw_policy_load_file(SO("start-spin"), &po, &pol, &err);
  CHECK_STATUS(st, HW_ERR_POLICY_REFUSED, hw_error_message(err));
  CHECK(!strcmp(hw_error_message(err), "policy module " SO("start-spin") " refused: start function ran out of fuel (5000 units)"), "%s", hw_error_message(err));
  hw_error_delete(err);
  po.fuel = 0x80000000u;
  st = hw_policy_load_file(SO("fuel-meter"), &po, &pol, &err);
  CHECK(st == HW_ERR_POLICY_REFUSED && strstr(hw_error_message(err), "fuel budget 2147483648 must be an integer from 1 to 2^31-1"), "%s", hw_error_message(err));
  hw_error_delete(err);
}

/* The built-in default runs instrumented too: its start function and decisions spend fuel. */
static void builtin_metered(void) {
  hw_platform_t *p = one_heap();
  hw_policy_t *pol = NULL;
  hw_policy_options_t tiny = {.fuel = 10};
  hw_error_t *err = NULL;
  hw_status_t st = hw_policy_load_builtin("default", &tiny, &pol, &err);
  CHECK(st == HW_ERR_POLICY_REFUSED && strstr(hw_error_message(err), "builtin:default refused: start function ran out of fuel (10 units)"), "%s",
        hw_error_message(err));
  hw_error_delete(err);
  hw_policy_load_builtin("default", NULL, &pol, NULL);
  hw_engine_t *e = NULL;
  CHECK(hw_engine_new(pol, p, NULL, &e, NULL) == HW_OK, "engine");
  hw_alloc_request_t r = {4096, GPU, 1, HW_ACCESS_WRITE, 0, NULL, 0};
  hw_buffer_id_t id;
  CHECK(hw_engine_allocate(e, &r, &id) == HW_OK, "%s", hw_engine_last_error(e));
  /* A placement on this two-heap platform costs the SDK only a few units: any is proof of the counter. */
  CHECK(hw_engine_last_fuel(e) > 0 && hw_engine_last_fuel(e) < 100000, "a default decision spends %u units", hw_engine_last_fuel(e));
  hw_engine_delete(e);
  hw_policy_delete(pol);
  hw_platform_delete(p);
}

/* An image without the fuel counter is not one heapwise compile built. */
static void unmetered_refused(void) {
  hw_policy_t *pol = NULL;
  hw_error_t *err = NULL;
  hw_status_t st = hw_policy_load_file(SO("unmetered"), NULL, &pol, &err);
  CHECK_STATUS(st, HW_ERR_POLICY_REFUSED, hw_error_message(err));
  CHECK(strstr(hw_error_message(err), "has no fuel counter (hw_fuel_set, hw_fuel_left of instrumentation 2): not built by heapwise compile"), "%s",
        hw_error_message(err));
  hw_error_delete(err);
}

/* The header carries the real budget; replay enforces the trace's budget, not the policy's. */
static void trace_and_replay(void) {
  hw_platform_t *p = one_heap();
  hw_engine_t *e = meter(3000, p);
  char path[] = "/tmp/heapwise-fuel-XXXXXX";
  int fd = mkstemp(path);
  FILE *f = fdopen(fd, "w");
  CHECK(hw_engine_trace_start(e, f, "") == HW_OK, "%s", hw_engine_last_error(e));
  hw_alloc_request_t r = {4 << 20, GPU, 1, HW_ACCESS_NONE, 0, NULL, 0};
  hw_buffer_id_t id;
  CHECK(hw_engine_allocate(e, &r, &id) == HW_OK, "4 MiB under 3000 units: %s", hw_engine_last_error(e));
  r.size = 16 << 20;
  CHECK(hw_engine_allocate(e, &r, &id) == HW_ERR_POLICY_FAULT, "16 MiB runs out");
  CHECK(hw_engine_trace_finish(e) == HW_OK, "%s", hw_engine_last_error(e));
  fclose(f);
  hw_engine_delete(e);
  f = fopen(path, "r");
  char head[4096] = "";
  CHECK(fgets(head, sizeof head, f) != NULL, "header");
  char rest[8192] = "";
  size_t n = fread(rest, 1, sizeof rest - 1, f);
  rest[n] = 0;
  fclose(f);
  CHECK(strstr(head, ",\"policy\":{\"name\":\"fuel-meter\",\"version\":\"1.0.0\",\"sha256\":\""), "%s", head);
  CHECK(strstr(head, "\",\"path\":null,\"manifest\":null},\"limits\":{\"fuel\":3000,\"opCap\":64,\"log\":false},\"platform\":"), "%s", head);
  CHECK(strstr(rest, "{\"t\":\"fault\",\"i\":1,\"kind\":\"fuel\",\"message\":\"policy module " SO("fuel-meter") ": hw_event ran out of fuel: budget of 3000 units exhausted\"}"),
        "%s", rest);
  hw_policy_t *generous = NULL;
  hw_policy_options_t po = {.fuel = 1000000};
  hw_policy_load_file(SO("fuel-meter"), &po, &generous, NULL);
  hw_replay_result_t rr;
  hw_error_t *err = NULL;
  hw_status_t st = hw_replay_file(path, generous, &rr, &err);
  CHECK_STATUS(st, HW_OK, hw_error_message(err));
  CHECK(rr.events == 2, "events %u", rr.events);
  hw_replay_result_clear(&rr);
  hw_policy_delete(generous);
  unlink(path);
  hw_platform_delete(p);
}

/* An abort unwinds through the runtime's call depth counter: hundreds of aborts in one image
 * must not leave it raised (it used to, until calls trapped with "Maximum call stack size"). */
static void aborts_keep_call_depth(void) {
  hw_platform_t *p = one_heap();
  hw_policy_t *pol = NULL;
  CHECK(hw_policy_load_file(SO("abort"), NULL, &pol, NULL) == HW_OK, "abort.so");
  hw_alloc_request_t r = {4096, GPU, 1, HW_ACCESS_READ, 0, NULL, 0};
  for (int k = 0; k < 700; k++) {
    hw_engine_t *e = NULL;
    CHECK(hw_engine_new(pol, p, NULL, &e, NULL) == HW_OK, "engine %d", k);
    hw_buffer_id_t id;
    hw_engine_allocate(e, &r, &id); /* buffer 1: an invalid op */
    hw_engine_allocate(e, &r, &id); /* buffer 2: abort */
    int aborted = strstr(hw_engine_last_error(e), "hw_event aborted: abort:") != NULL;
    char msg[512];
    snprintf(msg, sizeof msg, "%s", hw_engine_last_error(e));
    hw_engine_delete(e);
    CHECK(aborted, "round %d: %s", k, msg);
  }
  hw_policy_delete(pol);
  hw_platform_delete(p);
}

int main(void) {
  check_suite = "fuel";
  RUN(exact_budget, "a budget of exactly an event's cost passes, one unit less runs out at that event");
  RUN(start_function, "the start function runs under the budget; budgets above 2^31-1 are refused");
  RUN(builtin_metered, "the built-in default is instrumented too");
  RUN(unmetered_refused, "a .so without the fuel counter is refused");
  RUN(trace_and_replay, "the trace header records the budget; replay enforces the trace's");
  RUN(aborts_keep_call_depth, "aborts do not leak the runtime's call depth");
  return check_report();
}
