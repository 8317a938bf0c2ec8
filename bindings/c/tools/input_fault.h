/* A fault in an input file, worded as the Node host's InputError: "FILE at PATH: WHY", or
 * "FILE: WHY" without a path. Shared by the request and workload checks. */
#ifndef HW_TOOLS_INPUT_FAULT_H
#define HW_TOOLS_INPUT_FAULT_H

#include "heapwise.h"

/* Sets *error (when error is not NULL) to HW_ERR_INPUT with the message and returns
 * HW_ERR_INPUT. `path` NULL: no path; "" is the document itself, shown as "/" (as Ajv's root). */
hw_status_t hw_input_fault(hw_error_t **error, const char *file, const char *path, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* A string as JSON.stringify writes it (quoted; \", \\, \b \f \n \r \t, other control
 * characters as \u00xx): names in messages, unambiguous even with a NUL. The caller frees it. */
char *hw_input_quoted(const char *s, size_t len);

#endif
