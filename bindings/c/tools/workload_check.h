/* Checking a workload as the Node host does (host/simulate/workload.ts) before anything runs:
 * its shape against schemas/workload.schema.json, then the dry run of its buffer ids. Both
 * hosts refuse the same files, naming the same field. */
#ifndef HW_TOOLS_WORKLOAD_CHECK_H
#define HW_TOOLS_WORKLOAD_CHECK_H

#include <jansson.h>

#include "workload.h"

/* The schema part, on the parsed file (numbers decoded as reals, as JSON.parse does). */
hw_status_t hw_workload_check_shape(const char *file, json_t *root, hw_error_t **error);
/* The ids part: alloc of a live id, use of an unknown or freed id, devices not on the platform
 * or not attached; `w` is loaded (its platform too) and its shape checked. */
hw_status_t hw_workload_check_ids(const hw_workload *w, hw_error_t **error);
/* A number with no fractional part (1e3 and 3.0 are integers to JSON.parse and the schema). */
int hw_workload_is_integer(json_t *v);

#endif
