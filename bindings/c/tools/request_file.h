/* Request files (schemas/request.schema.json) for `heapwise-c --platform P --request R`, checked
 * as the Node host's loadRequestFile does (host/input/request.ts): the schema first, in the
 * order Ajv reports its first error, then the engine's size limit, the platform's devices and
 * the name's byte length. Every message names the file and the JSON path. */
#ifndef HW_TOOLS_REQUEST_FILE_H
#define HW_TOOLS_REQUEST_FILE_H

#include <jansson.h>

#include "heapwise.h"

typedef struct hw_request_file {
  json_t *root;
  const char *devices[HW_MAX_DEVICES]; /* borrowed from root */
  hw_alloc_request_t request;          /* devices points at the array above */
} hw_request_file;

/* HW_ERR_INPUT with "FILE at /path: why" (or "FILE: cannot read: ...") when not valid. */
hw_status_t hw_request_load(const char *file, const hw_platform_t *platform, hw_request_file *out, hw_error_t **error);
void hw_request_free(hw_request_file *r);

#endif
