/* JSON input (platforms, manifests) read with the Node host's wording (host/input/json-file.ts):
 * "FILE: cannot read WHAT: REASON", "FILE: malformed JSON at line L column C: DETAIL". */
#ifndef HW_JSON_INPUT_H
#define HW_JSON_INPUT_H

#include <jansson.h>

#include "heapwise.h"

/* Parses `text`; `label` names it in errors. `flags`: jansson decoding flags added to
 * JSON_REJECT_DUPLICATES (JSON_ALLOW_NUL where the caller checks its strings for NUL itself).
 * On success *out is a new reference the caller owns. */
hw_status_t hw_json_input_text(const char *text, const char *label, size_t flags, json_t **out, hw_error_t **error);

/* Reads and parses the file at `path` (`what`: "platform file", "manifest", for the message). A
 * directory is told as such (it opens, then reads as an empty file). *out as above; no fd is left open. */
hw_status_t hw_json_input_file(const char *path, const char *what, size_t flags, json_t **out, hw_error_t **error);

#endif
