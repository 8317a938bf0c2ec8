/* A fault in an input document (platform, request, workload), worded as the Node host's
 * InputError: "FILE at PATH: WHY", or "FILE: WHY" when no field is at fault. Shared by the
 * library's platform reader and the driver's request and workload checks (tools/). */
#ifndef HW_INPUT_FAULT_H
#define HW_INPUT_FAULT_H

#include <stdarg.h>

#include "heapwise.h"

/* Where a document is: a whole file (`label` its name, at_path 0), or a document inside one
 * (`label` "workload.json at /platform", at_path 1: a field's path is appended to it). */
typedef struct hw_input_doc {
  const char *label;
  int at_path;
} hw_input_doc;

/* The document a label of the public API names (hw_platform_load_json): one that ends in a JSON
 * path (" at /..." with no space after) is a document inside a file. */
hw_input_doc hw_input_doc_of_label(const char *label);

/* Sets *error (when error is not NULL) to HW_ERR_INPUT with the message; returns HW_ERR_INPUT, or
 * HW_ERR_NO_MEMORY when the message cannot be made. `path` is the field's JSON path within the
 * document: "" the document itself (Ajv's root "/", or the label's own path), NULL no field. */
hw_status_t hw_input_fault_in(hw_error_t **error, hw_input_doc doc, const char *path, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
hw_status_t hw_input_vfault_in(hw_error_t **error, hw_input_doc doc, const char *path, const char *fmt, va_list ap);

/* The same for a whole file. */
hw_status_t hw_input_fault(hw_error_t **error, const char *file, const char *path, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
