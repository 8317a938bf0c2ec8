/* Recording an engine session as a trace (docs/trace.md), like host/trace/recorder.ts: JSON Lines
 * or binary (.hwtrace), to a FILE the caller owns or to a file opened by name and put in place
 * (renamed from a temporary) only when the recording finishes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "engine.h"

hw_trace_format_t hw_trace_format_for_path(const char *path) {
  static const char ext[] = ".hwtrace";
  size_t n = path ? strlen(path) : 0, k = sizeof ext - 1;
  return n >= k && !strcasecmp(path + n - k, ext) ? HW_TRACE_BINARY : HW_TRACE_JSONL;
}

static hw_status_t start(hw_engine_t *e, hw_trace *tr, hw_trace_format_t format, const char *policy_path) {
  tr->last_event = -1;
  tr->binary = format == HW_TRACE_BINARY;
  tr->platform = e->platform;
  if (tr->binary && !hw_block_writer_start(&tr->blocks, tr->out)) {
    hw_engine_fail(e, HW_ERR_IO, "%s", tr->blocks.why);
    hw_trace_discard(tr);
    return HW_ERR_IO;
  }
  json_t *platform = hw_platform_json(e->platform);
  /* "" records null: replay then finds the module by its sha256. */
  const char *path = policy_path ? (*policy_path ? policy_path : NULL) : e->policy->path;
  hw_trace_header(tr, "c", e->backend->ops->kind, e->inst->name, e->inst->version, e->policy->sha256, path, e->policy->manifest, e->inst->fuel, e->op_cap, e->policy->log,
                  platform);
  json_decref(platform);
  e->trace = tr;
  if (tr->write_failed || tr->blocks.failed) return hw_engine_fail(e, HW_ERR_IO, "writing the trace header failed");
  return HW_OK;
}

static hw_status_t check(hw_engine_t *e, const char *what, const void *arg, hw_trace_format_t format) {
  if (!arg) return hw_engine_fail(e, HW_ERR_ARGUMENT, "%s: NULL argument", what);
  if (e->trace) return hw_engine_fail(e, HW_ERR_USAGE, "the engine is already recording a trace");
  if (format != HW_TRACE_JSONL && format != HW_TRACE_BINARY) return hw_engine_fail(e, HW_ERR_ARGUMENT, "%s: unknown trace format %d", what, (int)format);
  return HW_OK;
}

hw_status_t hw_engine_trace_start_as(hw_engine_t *e, FILE *out, hw_trace_format_t format, const char *policy_path) {
  if (!e) return HW_ERR_ARGUMENT;
  hw_status_t st = check(e, "hw_engine_trace_start", out, format);
  if (st != HW_OK) return st;
  hw_trace *tr = calloc(1, sizeof *tr);
  if (!tr) return hw_engine_fail(e, HW_ERR_NO_MEMORY, "out of memory starting a trace");
  tr->out = out;
  return start(e, tr, format, policy_path);
}

hw_status_t hw_engine_trace_start(hw_engine_t *e, FILE *out, const char *policy_path) {
  return hw_engine_trace_start_as(e, out, HW_TRACE_JSONL, policy_path);
}

hw_status_t hw_engine_trace_open(hw_engine_t *e, const char *path, const char *policy_path) {
  if (!e) return HW_ERR_ARGUMENT;
  hw_trace_format_t format = hw_trace_format_for_path(path);
  hw_status_t st = check(e, "hw_engine_trace_open", path, format);
  if (st != HW_OK) return st;
  hw_trace *tr = calloc(1, sizeof *tr);
  if (!tr || !(tr->path = strdup(path)) || asprintf(&tr->tmp, "%s.tmp.%d", path, (int)getpid()) < 0) {
    if (tr) tr->tmp = NULL;
    hw_trace_discard(tr);
    return hw_engine_fail(e, HW_ERR_NO_MEMORY, "out of memory starting a trace");
  }
  if (!(tr->out = fopen(tr->tmp, "wb"))) {
    int err = errno;
    free(tr->tmp);
    tr->tmp = NULL; /* nothing to remove */
    hw_trace_discard(tr);
    return hw_engine_fail(e, HW_ERR_IO, "%s: cannot write trace: %s", path, strerror(err));
  }
  st = start(e, tr, format, policy_path);
  if (st == HW_ERR_IO && e->trace) hw_engine_fail(e, HW_ERR_IO, "%s: writing the trace header failed", path);
  return st;
}

hw_status_t hw_engine_trace_finish(hw_engine_t *e) {
  if (!e) return HW_ERR_ARGUMENT;
  hw_trace *tr = e->trace;
  if (!tr) return hw_engine_fail(e, HW_ERR_USAGE, "the engine is not recording a trace");
  e->trace = NULL;
  hw_trace_end(tr);
  int failed = tr->write_failed || tr->blocks.failed || fflush(tr->out) != 0 || ferror(tr->out);
  char why[300];
  snprintf(why, sizeof why, "%s%s%s", tr->path ? tr->path : "", tr->path ? ": " : "", tr->blocks.failed ? tr->blocks.why : "writing the trace failed");
  if (tr->tmp) {
    /* Closed before the rename, so that a failed close (a full disk) is a failed trace. */
    failed |= fclose(tr->out) != 0;
    tr->out = NULL;
    if (!failed && rename(tr->tmp, tr->path) != 0) {
      snprintf(why, sizeof why, "%s: renaming the finished trace into place failed: %s", tr->path, strerror(errno));
      failed = 1;
    }
    if (!failed) {
      free(tr->tmp);
      tr->tmp = NULL; /* in place: nothing to remove */
    }
  }
  hw_trace_discard(tr);
  if (failed) return hw_engine_fail(e, HW_ERR_IO, "%s", why);
  return HW_OK;
}
