/*
 * The contract between libheapwise and a compiled policy image (the built-in default, or a
 * .so from `heapwise compile`). An image is wasm2c output (module name "policy"), a private
 * copy of wasm2c's runtime and policy_glue.c, linked with hidden visibility so that only the
 * entry point is exported: two images loaded at once share nothing, and the runtime's global
 * trap target is only ever touched under the image's own lock.
 */
#ifndef HW_POLICY_IMAGE_H
#define HW_POLICY_IMAGE_H

#include <stddef.h>
#include <stdint.h>

/* Bumped whenever this struct changes; the loader refuses other values. */
#define HW_IMAGE_VERSION 1u
/* Exported symbol of a policy .so. */
#define HW_IMAGE_ENTRY "heapwise_policy_v1"

/* Exports the glue can call, by index. */
enum hw_image_export {
  HW_X_ABI_VERSION = 0,
  HW_X_POLICY_NAME,
  HW_X_POLICY_VERSION,
  HW_X_INPUT,
  HW_X_OUTPUT,
  HW_X_INIT,    /* takes the length argument */
  HW_X_EVENT    /* takes the length argument */
};

/* Why a call did not return normally (wasm_rt_trap_t values, plus aborts). */
enum hw_image_outcome {
  HW_CALL_OK = 0,
  /* 1..99: wasm_rt_trap_t of the trap */
  HW_CALL_ABORT = 100,       /* env.abort was called: see hw_guest_abort */
  HW_CALL_NO_MEMORY = 101    /* the instance could not be allocated */
};

/* What env.abort(message, file, line, column) was called with (pointers into memory). */
typedef struct hw_guest_abort {
  uint32_t message, file, line, column;
} hw_guest_abort;

typedef struct hw_guest hw_guest;  /* one instance, owned by the image */

typedef struct hw_policy_image {
  uint32_t image_version;      /* HW_IMAGE_VERSION */
  uint32_t memcheck_signal;    /* WASM_RT_MEMCHECK_SIGNAL_HANDLER the image was built with */
  const char *sha256;          /* of the .wasm the image was compiled from (hex) */
  const unsigned char *wasm;   /* that .wasm, for the loader's section checks */
  size_t wasm_len;
  /* New instance (runs the module's start and data/elem init under the trap guard). */
  int (*instantiate)(hw_guest **out);
  void (*destroy)(hw_guest *g);
  /* Calls export `which` (arg ignored for exports without parameter); *result gets the i32. */
  int (*call)(hw_guest *g, enum hw_image_export which, uint32_t arg, uint32_t *result);
  /* Current linear memory (the data pointer moves when the module grows its memory). */
  uint8_t *(*memory)(hw_guest *g, uint64_t *size, uint64_t *max_pages);
  /* Arguments of the last env.abort. */
  const hw_guest_abort *(*last_abort)(const hw_guest *g);
} hw_policy_image;

typedef const hw_policy_image *(*hw_policy_image_entry)(void);

#endif /* HW_POLICY_IMAGE_H */
