/* The platform schema (schemas/platform.schema.json) checked as the Node host checks it with
 * Ajv: the same first fault, at the same JSON path, in the same words. What a schema cannot
 * say (unique names, preferred heaps that exist) is platform_json.c's, after this. */
#ifndef HW_PLATFORM_SCHEMA_H
#define HW_PLATFORM_SCHEMA_H

#include <jansson.h>

#include "heapwise.h"

/* HW_OK, or HW_ERR_INPUT naming `label` and the field at fault. */
hw_status_t hw_platform_check_schema(json_t *root, const char *label, hw_error_t **error);

/* "LABEL at PATH: WHY" as the Node host's InputError words it. A label that ends in a JSON path
 * ("workload.json at /platform", an inline platform) has `path` appended to it; "" is the
 * document itself ("/"); NULL names no path. */
hw_status_t hw_platform_input_fault(hw_error_t **error, const char *label, const char *path, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
