/* Sessions the C trace tests record, through the public API. */
#ifndef HW_TEST_SESSIONS_H
#define HW_TEST_SESSIONS_H

#include <stdio.h>
#include <stdlib.h>

#include "heapwise.h"

/* `buffers` camera frames on a recording engine: each allocated (named "cam" from buffer
 * `first_named` on: ALLOC + SET_NAME results), read by the CPU, exported, written by the CPU
 * (SYNC results), then every buffer freed. Stops at the first failure and returns it. */
static inline hw_status_t camera_session(hw_engine_t *e, hw_platform_t *p, int buffers, int first_named) {
  const char *devs[] = {hw_platform_device_name(p, 0)};
  hw_status_t st = HW_OK;
  for (int k = 0; k < buffers && st == HW_OK; k++) {
    hw_alloc_request_t r = {1843200u << k, devs, 1, HW_ACCESS_READ, 0, k >= first_named ? "cam" : NULL, 0};
    hw_buffer_id_t id;
    st = hw_engine_allocate(e, &r, &id);
    if (st == HW_OK) st = hw_engine_cpu_access(e, id, HW_ACCESS_READ);
    if (st == HW_OK) st = hw_engine_export(e, id, NULL);
    if (st == HW_OK) st = hw_engine_cpu_access(e, id, HW_ACCESS_WRITE);
  }
  return st == HW_OK ? hw_engine_free_all(e) : st;
}

/* A recorded trace's text (at most 1 MiB), NUL-terminated, malloc'd; NULL when unreadable. */
static inline char *trace_text(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *s = calloc(1, 1 << 20);
  size_t n = fread(s, 1, (1 << 20) - 1, f);
  s[n] = 0;
  fclose(f);
  return s;
}

/* Replays `path` under `pol`: the status, and the error message (or "") in msg. */
static inline hw_status_t replay_message(const char *path, const hw_policy_t *pol, char *msg, size_t cap) {
  hw_replay_result_t r;
  hw_error_t *err = NULL;
  hw_status_t st = hw_replay_file(path, pol, &r, &err);
  snprintf(msg, cap, "%s", err ? hw_error_message(err) : "");
  hw_error_delete(err);
  hw_replay_result_clear(&r);
  return st;
}

#endif
