/*
 * The contract between libheapwise and a compiled policy image (the built-in default, or a
 * .so from `heapwise compile`). An image is wasm2c output of the fuel-instrumented module
 * (module name "policy"), a private copy of wasm2c's runtime and policy_glue.c, linked with
 * hidden visibility so that only the entry point is exported: two images loaded at once share
 * nothing, and the runtime's global trap target is only ever touched under the image's own lock.
 */
#ifndef HW_POLICY_IMAGE_H
#define HW_POLICY_IMAGE_H

#include <stddef.h>
#include <stdint.h>

/* Bumped whenever this struct changes; the loader refuses other values. Version 2: fuel,
 * hw_start / _initialize, the WASI log sink. */
#define HW_IMAGE_VERSION 2u
/* Exported symbol of a policy .so (kept across versions so an old image is found and refused
 * by its version, with a message saying to rebuild it, rather than by a missing symbol). */
#define HW_IMAGE_ENTRY "heapwise_policy_v1"
/* FUEL_INSTRUMENTATION of host/module/fuel.ts this library counts fuel with. */
#define HW_FUEL_INSTRUMENTATION 2u

/* Exports the glue can call, by index. */
enum hw_image_export {
  HW_X_ABI_VERSION = 0,
  HW_X_POLICY_NAME,
  HW_X_POLICY_VERSION,
  HW_X_INPUT,
  HW_X_OUTPUT,
  HW_X_INIT,       /* takes the length argument */
  HW_X_EVENT,      /* takes the length argument */
  HW_X_START,      /* the module's start function, exported as hw_start by the instrumentation */
  HW_X_INITIALIZE  /* a reactor's _initialize (a wasi-shim debug build) */
};

/* Why a call did not return normally (wasm_rt_trap_t values, plus these). */
enum hw_image_outcome {
  HW_CALL_OK = 0,
  /* 1..99: wasm_rt_trap_t of the trap (an exhausted fuel budget is an `unreachable` trap) */
  HW_CALL_ABORT = 100,       /* env.abort was called: see last_abort */
  HW_CALL_NO_MEMORY = 101,   /* the instance could not be allocated */
  HW_CALL_EXIT = 102,        /* wasi proc_exit was called: see last_exit */
  HW_CALL_ABSENT = 103       /* the module has no such export (hw_start, _initialize) */
};

/* What env.abort(message, file, line, column) was called with (pointers into memory). */
typedef struct hw_guest_abort {
  uint32_t message, file, line, column;
} hw_guest_abort;

typedef struct hw_guest hw_guest;  /* one instance, owned by the image */

/* What the host lends an instance: the log sink behind wasi fd_write. The callback runs inside
 * a call into the image (under its lock): it may read the memory, never call the image. It
 * returns a WASI errno (0 on success), or -1 to trap (an iovec outside memory). NULL: every
 * fd_write answers EBADF (the loader refuses such imports without the log capability anyway). */
typedef struct hw_guest_host {
  int32_t (*fd_write)(void *ctx, uint32_t fd, uint32_t iovs, uint32_t count, uint32_t nwritten);
  void *ctx;
} hw_guest_host;

typedef struct hw_policy_image {
  uint32_t image_version;        /* HW_IMAGE_VERSION */
  uint32_t memcheck_signal;      /* WASM_RT_MEMCHECK_SIGNAL_HANDLER the image was built with */
  uint32_t fuel_instrumentation; /* HW_FUEL_INSTRUMENTATION of the module's fuel counter */
  uint32_t has_start, has_initialize;
  const char *sha256;            /* of the .wasm the image was compiled from (hex) */
  const unsigned char *wasm;     /* that .wasm (uninstrumented), for the loader's checks */
  size_t wasm_len;
  /* New instance: memory, data and tables only; no module code runs (the start function is
   * hw_start, called like any export). `host` is copied. */
  int (*instantiate)(hw_guest **out, const hw_guest_host *host);
  void (*destroy)(hw_guest *g);
  /* Sets the fuel counter to `fuel`, then calls export `which` (arg ignored for exports without
   * parameter) under the trap guard; *result gets the i32. */
  int (*call)(hw_guest *g, enum hw_image_export which, uint32_t arg, uint32_t fuel, uint32_t *result);
  /* Fuel left after the last call; negative when the budget ran out. */
  int32_t (*fuel_left)(hw_guest *g);
  /* Current linear memory (the data pointer moves when the module grows its memory). */
  uint8_t *(*memory)(hw_guest *g, uint64_t *size, uint64_t *max_pages);
  /* Arguments of the last env.abort, code of the last proc_exit. */
  const hw_guest_abort *(*last_abort)(const hw_guest *g);
  uint32_t (*last_exit)(const hw_guest *g);
} hw_policy_image;

typedef const hw_policy_image *(*hw_policy_image_entry)(void);

#endif /* HW_POLICY_IMAGE_H */
