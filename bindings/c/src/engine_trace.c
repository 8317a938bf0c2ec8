/* Recording an engine session as a trace (docs/trace.md), like host/trace/recorder.ts: JSON Lines
 * or binary (.hwtrace), to a FILE the caller owns or to a file opened by name: a regular one is
 * put in place (renamed from a temporary) only when the recording finishes, a device or FIFO is
 * written in place. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"

hw_trace_format_t hw_trace_format_for_path(const char *path) {
  static const char ext[] = ".hwtrace";
  size_t n = path ? strlen(path) : 0, k = sizeof ext - 1;
  return n >= k && !strcasecmp(path + n - k, ext) ? HW_TRACE_BINARY : HW_TRACE_JSONL;
}

/* HW_ERR_IO with `what`, after "path: " for a recording opened by name. */
static hw_status_t io_fail(hw_engine_t *e, const hw_trace *tr, const char *what) {
  return hw_engine_fail(e, HW_ERR_IO, "%s%s%s", tr->path ? tr->path : "", tr->path ? ": " : "", what);
}

/* Writes the header; the engine records only once it is out, so a failed start leaves the
 * engine not recording (and removes a temporary file). */
static hw_status_t start(hw_engine_t *e, hw_trace *tr, hw_trace_format_t format, const char *policy_path) {
  tr->last_event = -1;
  tr->binary = format == HW_TRACE_BINARY;
  tr->platform = e->platform;
  if (!tr->binary || hw_block_writer_start(&tr->blocks, tr->out)) {
    json_t *platform = hw_platform_json(e->platform);
    /* "" records null: replay then finds the module by its sha256. */
    const char *path = policy_path ? (*policy_path ? policy_path : NULL) : e->policy->path;
    hw_trace_header(tr, "c", e->backend->ops->kind, e->inst->name, e->inst->version, e->policy->sha256, path, e->policy->manifest, e->inst->fuel,
                    e->op_cap, e->policy->log, platform);
    json_decref(platform);
  }
  if (tr->write_failed || tr->blocks.failed) {
    hw_status_t st = io_fail(e, tr, tr->blocks.failed ? tr->blocks.why : "writing the trace header failed");
    hw_trace_discard(tr);
    return st;
  }
  e->trace = tr;
  return HW_OK;
}

static hw_status_t check(hw_engine_t *e, const char *what, const void *arg, hw_trace_format_t format) {
  if (!arg) return hw_engine_fail(e, HW_ERR_ARGUMENT, "%s: NULL argument", what);
  if (format != HW_TRACE_JSONL && format != HW_TRACE_BINARY) return hw_engine_fail(e, HW_ERR_ARGUMENT, "%s: unknown trace format %d", what, (int)format);
  if (e->trace) return hw_engine_fail(e, HW_ERR_USAGE, "the engine is already recording a trace");
  /* A trace replays from the engine's first call: one started later could not be replayed. */
  if (e->call_index >= 0) {
    return hw_engine_fail(e, HW_ERR_USAGE,
                          "a trace starts on an engine that has not served a call yet (%lld calls so far): start it right after hw_engine_new",
                          (long long)e->call_index + 1);
  }
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

/* How the file at tr->path is written (host/output-file.ts): a regular file, or none yet,
 * through a temporary renamed over it (a link resolved, so the link stays); anything else but
 * a directory in place, since a rename would replace the device, FIFO or socket itself with a
 * regular file. 0 out of memory. */
static int plan(hw_trace *tr, const struct stat *st, int exists) {
  if (exists && !S_ISREG(st->st_mode)) return 1; /* direct: no tmp, no target */
  char *real = exists ? realpath(tr->path, NULL) : NULL;
  tr->target = real ? real : strdup(tr->path);
  if (!tr->target || asprintf(&tr->tmp, "%s.tmp.%d", tr->target, (int)getpid()) < 0) {
    tr->tmp = NULL;
    return 0;
  }
  return 1;
}

/* Opens the recording's file: the temporary, or the node itself (a FIFO waits for its reader,
 * as a shell redirection does). errno set on failure. */
static FILE *open_out(const hw_trace *tr) {
  if (tr->tmp) return fopen(tr->tmp, "wbe");
  int fd = open(tr->path, O_WRONLY | O_CLOEXEC);
  FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
  if (fd >= 0 && !f) {
    int err = errno;
    close(fd);
    errno = err;
  }
  return f;
}

hw_status_t hw_engine_trace_open(hw_engine_t *e, const char *path, const char *policy_path) {
  if (!e) return HW_ERR_ARGUMENT;
  hw_trace_format_t format = hw_trace_format_for_path(path);
  hw_status_t st = check(e, "hw_engine_trace_open", path, format);
  if (st != HW_OK) return st;
  struct stat sb;
  int exists = stat(path, &sb) == 0;
  if (exists && S_ISDIR(sb.st_mode)) return hw_engine_fail(e, HW_ERR_IO, "%s: cannot write trace: it is a directory", path);
  hw_trace *tr = calloc(1, sizeof *tr);
  if (!tr || !(tr->path = strdup(path)) || !plan(tr, &sb, exists)) {
    hw_trace_discard(tr);
    return hw_engine_fail(e, HW_ERR_NO_MEMORY, "out of memory starting a trace");
  }
  tr->owned = 1;
  if (!(tr->out = open_out(tr))) {
    int err = errno;
    free(tr->tmp);
    tr->tmp = NULL; /* never created: nothing to remove */
    hw_trace_discard(tr);
    return hw_engine_fail(e, HW_ERR_IO, "%s: cannot write trace: %s", path, strerror(err));
  }
  return start(e, tr, format, policy_path);
}

/* Puts a finished temporary in place; 0 with the reason in why when that fails. */
static int put_in_place(hw_trace *tr, char *why, size_t cap) {
  if (rename(tr->tmp, tr->target) != 0) {
    snprintf(why, cap, "renaming the finished trace into place failed: %s", strerror(errno));
    return 0;
  }
  free(tr->tmp);
  tr->tmp = NULL; /* in place: nothing to remove */
  return 1;
}

hw_status_t hw_engine_trace_finish(hw_engine_t *e) {
  if (!e) return HW_ERR_ARGUMENT;
  hw_trace *tr = e->trace;
  if (!tr) return hw_engine_fail(e, HW_ERR_USAGE, "the engine is not recording a trace");
  e->trace = NULL;
  hw_trace_end(tr);
  int failed = tr->write_failed || tr->blocks.failed || fflush(tr->out) != 0 || ferror(tr->out);
  char why[300];
  snprintf(why, sizeof why, "%s", tr->blocks.failed ? tr->blocks.why : "writing the trace failed");
  if (tr->owned) {
    /* Closed before the rename, so that a failed close (a full disk) is a failed trace. */
    failed |= fclose(tr->out) != 0;
    tr->out = NULL;
  }
  if (!failed && tr->tmp) failed = !put_in_place(tr, why, sizeof why);
  hw_status_t st = failed ? io_fail(e, tr, why) : HW_OK;
  hw_trace_discard(tr);
  return st;
}
