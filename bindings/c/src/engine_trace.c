/* Recording an engine session as a trace (docs/trace.md), like host/trace/recorder.ts. */
#include <stdlib.h>

#include "engine.h"

hw_status_t hw_engine_trace_start(hw_engine_t *e, FILE *out, const char *policy_path) {
  if (!e) return HW_ERR_ARGUMENT;
  if (!out) return hw_engine_fail(e, HW_ERR_ARGUMENT, "hw_engine_trace_start: out is NULL");
  if (e->trace) return hw_engine_fail(e, HW_ERR_USAGE, "the engine is already recording a trace");
  hw_trace *tr = calloc(1, sizeof *tr);
  if (!tr) return hw_engine_fail(e, HW_ERR_NO_MEMORY, "out of memory starting a trace");
  tr->out = out;
  tr->last_event = -1;
  json_t *platform = hw_platform_json(e->platform);
  /* "" records null: replay then finds the module by its sha256. */
  const char *path = policy_path ? (*policy_path ? policy_path : NULL) : e->policy->path;
  hw_trace_header_line(&tr->line, "c", e->backend->ops->kind, e->inst->name, e->inst->version, e->policy->sha256, path, e->inst->fuel, e->op_cap,
                       e->policy->log, platform);
  json_decref(platform);
  hw_trace_emit(tr);
  e->trace = tr;
  if (tr->write_failed) return hw_engine_fail(e, HW_ERR_IO, "writing the trace header failed");
  return HW_OK;
}

hw_status_t hw_engine_trace_finish(hw_engine_t *e) {
  if (!e) return HW_ERR_ARGUMENT;
  hw_trace *tr = e->trace;
  if (!tr) return hw_engine_fail(e, HW_ERR_USAGE, "the engine is not recording a trace");
  hw_trace_end_line(&tr->line, tr->calls, tr->events);
  hw_trace_emit(tr);
  int failed = tr->write_failed || fflush(tr->out) != 0 || ferror(tr->out);
  hw_text_free(&tr->line);
  free(tr);
  e->trace = NULL;
  if (failed) return hw_engine_fail(e, HW_ERR_IO, "writing the trace failed");
  return HW_OK;
}
