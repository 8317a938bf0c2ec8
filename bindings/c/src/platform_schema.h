/* The platform schema (schemas/platform.schema.json) checked as the Node host checks it with
 * Ajv: the same first fault, at the same JSON path, in the same words. What a schema cannot
 * say (unique names, preferred heaps that exist) is platform_json.c's, after this. */
#ifndef HW_PLATFORM_SCHEMA_H
#define HW_PLATFORM_SCHEMA_H

#include <jansson.h>

#include "heapwise.h"
#include "input_fault.h"

/* HW_OK, or HW_ERR_INPUT naming the document and the field at fault. */
hw_status_t hw_platform_check_schema(json_t *root, hw_input_doc doc, hw_error_t **error);

#endif
