/* Workload files (schemas/workload.schema.json) run through an engine exactly as the Node host's
 * simulate() does (host/simulate/run.ts), so both hosts make the same calls in the same order. */
#ifndef HW_TOOLS_WORKLOAD_H
#define HW_TOOLS_WORKLOAD_H

#include <jansson.h>

#include "heapwise.h"

typedef struct hw_workload {
  char *file;
  json_t *root;
  hw_platform_t *platform;
  json_t *setup, *loop, *teardown; /* borrowed from root */
  unsigned long long iterations;
} hw_workload;

/* Reads a workload and its platform (a path relative to the workload, or inline). */
hw_status_t hw_workload_load(const char *file, hw_workload *out, hw_error_t **error);
void hw_workload_free(hw_workload *w);
/* Runs every event on the engine, then frees every live buffer (the Node host's dispose). */
hw_status_t hw_workload_run(const hw_workload *w, hw_engine_t *engine, hw_error_t **error);

#endif
