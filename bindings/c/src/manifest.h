/* Policy manifests (schemas/manifest.schema.json, host/module/manifest.ts): the hash pin is
 * checked before the module runs, the identity after, the limits on every ALLOC. */
#ifndef HW_MANIFEST_H
#define HW_MANIFEST_H

#include <jansson.h>

#include "heapwise.h"
#include "outcome.h"
#include "text.h"

typedef struct hw_manifest {
  char *path; /* the file it was read from; NULL for one a trace recorded */
  char *name, *version, *sha256;
  char **allowed_heaps; /* NULL: every heap */
  size_t allowed_count;
  uint64_t max_allocation; /* 0: no limit */
  uint32_t fuel;           /* 0: none given */
  char *description;       /* NULL: none given; kept so a trace records the manifest whole */
} hw_manifest;

/* Reads and validates a manifest file; HW_ERR_INPUT naming the file and the JSON path. */
hw_status_t hw_manifest_load(const char *path, hw_manifest **out, hw_error_t **error);
/* Validates a parsed manifest (one a trace recorded); HW_ERR_INPUT "<where> at /field: ...". */
hw_status_t hw_manifest_from_json(json_t *o, const char *where, hw_manifest **out, hw_error_t **error);
/* The manifest as a trace records it (format version 2, docs/trace.md): compact JSON with the
 * keys in the schema's order, absent ones left out, so every host writes the same bytes; "null"
 * for no manifest. */
void hw_manifest_trace_json(hw_text *t, const hw_manifest *m);
void hw_manifest_delete(hw_manifest *m);
/* Where a manifest beside `module_path` would be: X.so (or X.wasm) -> X.manifest.json. malloc'd. */
char *hw_manifest_path_for(const char *module_path);
/* The ALLOC of an answer within the manifest's heaps and size (host/engine/answer.ts);
 * HW_ERR_POLICY_FAULT with the reason in *why otherwise. NULL manifest: always HW_OK. */
hw_status_t hw_manifest_check_ops(const hw_manifest *m, const hw_outcome *out, const hw_platform_t *p, hw_text *why);

#endif
