/* Argument checking of the public API: a NULL pointer with a count, a NULL name or a value
 * outside what the header allows is HW_ERR_ARGUMENT naming the argument or field (never a
 * crash, never "unknown device (null)"); unreadable files say why. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boards.h"
#include "check.h"
#include "heapwise.h"

#define SO(name) HW_BUILD_DIR "/policies/" name ".so"

static const char *GPU[] = {"gpu"};

static hw_engine_t *engine_with(const hw_engine_options_t *o, hw_error_t **err) {
  hw_policy_t *pol = NULL;
  hw_platform_t *p = camera_board();
  hw_engine_t *e = NULL;
  hw_policy_load_builtin("default", NULL, &pol, NULL);
  hw_engine_new(pol, p, o, &e, err);
  hw_policy_delete(pol);
  hw_platform_delete(p);
  return e;
}

/* hw_platform_add_device with `spec`: the status, the message in msg. */
static hw_status_t add_device(const hw_device_spec_t *spec, char *msg, size_t cap) {
  hw_platform_t *p = camera_board();
  hw_error_t *err = NULL;
  hw_status_t st = hw_platform_add_device(p, spec, &err);
  snprintf(msg, cap, "%s", err ? hw_error_message(err) : "");
  hw_error_delete(err);
  hw_platform_delete(p);
  return st;
}

static void device_spec(void) {
  char msg[512];
  hw_device_spec_t d = {"isp", 64, 1, 1, HW_DEFAULT, 0, 0, NULL, 2};
  CHECK_STATUS(add_device(&d, msg, sizeof msg), HW_ERR_ARGUMENT, msg);
  CHECK(!strcmp(msg, "hw_platform_add_device: preferred_heaps is NULL but preferred_count is 2"), "%s", msg);
  const char *pref[] = {"system", NULL};
  d.preferred_heaps = pref;
  CHECK_STATUS(add_device(&d, msg, sizeof msg), HW_ERR_ARGUMENT, msg);
  CHECK(strstr(msg, "preferred_heaps[1] is NULL"), "%s", msg);
  d.preferred_count = 1;
  CHECK_STATUS(add_device(&d, msg, sizeof msg), HW_OK, msg);
  d.iommu = 5;
  CHECK_STATUS(add_device(&d, msg, sizeof msg), HW_ERR_ARGUMENT, msg);
  CHECK(!strcmp(msg, "hw_platform_add_device: iommu must be 0 or 1, got 5"), "%s", msg);
  d.iommu = 1, d.coherent = -1;
  CHECK_STATUS(add_device(&d, msg, sizeof msg), HW_ERR_ARGUMENT, msg);
  CHECK(strstr(msg, "coherent must be 0 or 1, got -1"), "%s", msg);
  d.coherent = 1, d.contiguous = 2;
  CHECK_STATUS(add_device(&d, msg, sizeof msg), HW_ERR_ARGUMENT, msg);
  CHECK(strstr(msg, "contiguous must be 0, 1 or HW_DEFAULT, got 2"), "%s", msg);
  d.contiguous = HW_DEFAULT, d.protected_access = HW_DEFAULT;
  CHECK_STATUS(add_device(&d, msg, sizeof msg), HW_ERR_ARGUMENT, msg);
  CHECK(strstr(msg, "protected_access must be 0 or 1"), "%s", msg);
}

static void heap_spec(void) {
  hw_platform_t *p = NULL;
  hw_platform_new("p", &p, NULL);
  hw_heap_spec_t h = {"system", 0, HW_DEFAULT, 3, HW_DEFAULT, 0, 0, 0};
  hw_error_t *err = NULL;
  hw_status_t st = hw_platform_add_heap(p, &h, &err);
  const char *msg = err ? hw_error_message(err) : "";
  CHECK_STATUS(st, HW_ERR_ARGUMENT, msg);
  CHECK(!strcmp(msg, "hw_platform_add_heap: cached must be 0, 1 or HW_DEFAULT, got 3"), "%s", msg);
  CHECK(hw_platform_heap_count(p) == 0, "nothing added");
  hw_error_delete(err);
  hw_platform_delete(p);
}

/* Replays fuel-meter.c.jsonl, which swaps to the built-in at a fault, with the given options. */
static hw_status_t replay_fuel(const hw_replay_options_t *o, char *msg, size_t cap) {
  hw_policy_t *pol = NULL;
  if (hw_policy_load_file(SO("fuel-meter"), NULL, &pol, NULL) != HW_OK) return HW_ERR_IO;
  hw_replay_result_t r;
  hw_error_t *err = NULL;
  hw_status_t st = hw_replay_file_with(HW_ROOT "/test/traces/fuel-meter.c.jsonl", pol, o, &r, &err);
  snprintf(msg, cap, "%s", err ? hw_error_message(err) : "");
  hw_error_delete(err);
  hw_replay_result_clear(&r);
  hw_policy_delete(pol);
  return st;
}

static void replay_candidates(void) {
  char msg[1024];
  hw_replay_options_t o = {NULL, 3};
  CHECK_STATUS(replay_fuel(&o, msg, sizeof msg), HW_ERR_ARGUMENT, msg);
  CHECK(!strcmp(msg, "hw_replay_file_with: candidates is NULL but candidate_count is 3"), "%s", msg);
  o.candidate_count = 0;
  CHECK_STATUS(replay_fuel(&o, msg, sizeof msg), HW_OK, msg);
}

static void engine_options(void) {
  hw_error_t *err = NULL;
  hw_engine_options_t o = {.backend = (hw_backend_kind_t)7};
  CHECK(!engine_with(&o, &err), "no engine");
  CHECK(hw_error_status(err) == HW_ERR_ARGUMENT && strstr(hw_error_message(err), "backend must be HW_BACKEND_MODEL or HW_BACKEND_KERNEL, got 7"), "%s",
        hw_error_message(err));
  hw_error_delete(err);
  err = NULL;
  o = (hw_engine_options_t){.op_cap = HW_MAX_OPS + 1};
  CHECK(!engine_with(&o, &err), "no engine");
  CHECK(hw_error_status(err) == HW_ERR_ARGUMENT && strstr(hw_error_message(err), "op_cap must be at most 256 (HW_MAX_OPS), got 257"), "%s",
        hw_error_message(err));
  hw_error_delete(err);
  o.op_cap = HW_MAX_OPS;
  hw_engine_t *e = engine_with(&o, NULL);
  CHECK(e, "op_cap 256 is accepted");
  hw_engine_delete(e);
}

/* hw_engine_allocate with `r`: refused with `status` and a message containing `want`. */
static int refused(hw_engine_t *e, const hw_alloc_request_t *r, hw_status_t status, const char *want) {
  hw_buffer_id_t id = 99;
  return hw_engine_allocate(e, r, &id) == status && strstr(hw_engine_last_error(e), want) != NULL;
}

static void alloc_request(void) {
  hw_engine_t *e = engine_with(NULL, NULL);
  const char *with_null[] = {"gpu", NULL};
  hw_alloc_request_t r = {4096, with_null, 2, HW_ACCESS_READ, 0, NULL, 0};
  CHECK(refused(e, &r, HW_ERR_ARGUMENT, "hw_engine_allocate: devices[1] is NULL"), "%s", hw_engine_last_error(e));
  r.devices = NULL, r.device_count = 1;
  CHECK(refused(e, &r, HW_ERR_ARGUMENT, "hw_engine_allocate: devices is NULL but device_count is 1"), "%s", hw_engine_last_error(e));
  r.devices = GPU;
  r.cpu = 4;
  CHECK(refused(e, &r, HW_ERR_ARGUMENT, "cpu must be HW_ACCESS_NONE, _READ, _WRITE or _READWRITE (0 to 3), got 4"), "%s", hw_engine_last_error(e));
  r.cpu = HW_ACCESS_READ, r.protected_content = 2;
  CHECK(refused(e, &r, HW_ERR_ARGUMENT, "protected_content must be 0 or 1, got 2"), "%s", hw_engine_last_error(e));
  r.protected_content = 0, r.deferred = -1;
  CHECK(refused(e, &r, HW_ERR_ARGUMENT, "deferred must be 0 or 1, got -1"), "%s", hw_engine_last_error(e));
  r.deferred = 0, r.device_count = 0;
  CHECK(refused(e, &r, HW_ERR_USAGE, "an allocation needs at least one device"), "%s", hw_engine_last_error(e));
  CHECK(hw_engine_events(e) == 0, "nothing reached the policy");
  hw_engine_delete(e);
}

static void null_device_names(void) {
  hw_engine_t *e = engine_with(NULL, NULL);
  hw_alloc_request_t r = {4096, GPU, 1, HW_ACCESS_READ, 0, NULL, 0};
  hw_buffer_id_t id = 0;
  CHECK(hw_engine_allocate(e, &r, &id) == HW_OK, "%s", hw_engine_last_error(e));
  CHECK(hw_engine_attach(e, id, NULL) == HW_ERR_ARGUMENT && !strcmp(hw_engine_last_error(e), "hw_engine_attach: device is NULL"), "%s", hw_engine_last_error(e));
  CHECK(hw_engine_device_begin(e, id, NULL, HW_ACCESS_READ) == HW_ERR_ARGUMENT && !strcmp(hw_engine_last_error(e), "hw_engine_device_begin: device is NULL"), "%s",
        hw_engine_last_error(e));
  CHECK(hw_engine_device_end(e, id, NULL) == HW_ERR_ARGUMENT && !strcmp(hw_engine_last_error(e), "hw_engine_device_end: device is NULL"), "%s",
        hw_engine_last_error(e));
  CHECK(hw_engine_attach(e, id, "npu") == HW_ERR_USAGE && strstr(hw_engine_last_error(e), "unknown device \"npu\""), "%s", hw_engine_last_error(e));
  hw_engine_delete(e);
}

static void unreadable_files(void) {
  char dir[] = "/tmp/heapwise-args-XXXXXX";
  CHECK(mkdtemp(dir), "mkdtemp");
  hw_platform_t *p = NULL;
  hw_error_t *err = NULL;
  hw_status_t st = hw_platform_load_file(dir, &p, &err);
  char msg[600];
  snprintf(msg, sizeof msg, "%s", err ? hw_error_message(err) : "");
  hw_error_delete(err);
  err = NULL;
  char want[600];
  snprintf(want, sizeof want, "%s: cannot read platform file: it is a directory", dir);
  CHECK(st == HW_ERR_INPUT && !strcmp(msg, want), "%s", msg);
  hw_policy_options_t po = {.manifest_path = dir};
  hw_policy_t *pol = NULL;
  st = hw_policy_load_builtin("default", &po, &pol, &err);
  snprintf(msg, sizeof msg, "%s", err ? hw_error_message(err) : "");
  hw_error_delete(err);
  hw_policy_delete(pol);
  rmdir(dir);
  CHECK(st != HW_OK && strstr(msg, "cannot read manifest: it is a directory"), "%s", msg);
}

int main(void) {
  check_suite = "api-args";
  RUN(device_spec, "device spec: NULL preferred_heaps with a count, NULL entries, flags outside 0/1 are argument errors");
  RUN(heap_spec, "heap spec: a tri-state outside 0, 1, HW_DEFAULT is an argument error");
  RUN(replay_candidates, "replay: NULL candidates with a count is an argument error before any line is read");
  RUN(engine_options, "engine options: an unknown backend and an op cap above HW_MAX_OPS are refused");
  RUN(alloc_request, "allocate: NULL devices, NULL names, cpu, protected_content and deferred outside their values");
  RUN(null_device_names, "attach, device_begin and device_end name a NULL device as an argument error");
  RUN(unreadable_files, "a directory given as a platform or manifest file says it is a directory");
  return check_report();
}
