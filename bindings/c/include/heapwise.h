/*
 * heapwise: DMA-BUF heap selection and cache-domain policy engine, C API.
 *
 * One public header. The policy ABI (abi/v1.json) is in heapwise_abi.h, the raw uAPI shim in
 * heapwise_kernel.h.
 *
 * Shape (after wasmtime's C API): opaque handles, every fallible function returns hw_status_t.
 * Constructors (policy, platform, engine, replay) report the message through an optional
 * `hw_error_t **error` out-parameter the caller deletes with hw_error_delete(); operations on an
 * engine leave their message in the engine, read with hw_engine_last_error().
 *
 * Ownership: every *_new / *_load function gives the caller a handle it deletes with the
 * matching *_delete. Strings returned as `const char *` are borrowed from the handle they came
 * from and live as long as it (or, for an engine's buffer, until the buffer is freed).
 *
 * Threads: no global mutable state of heapwise's own. A policy (hw_policy_t) is immutable after
 * loading and may be shared by engines on any threads. A platform is read-only once an engine
 * is created from it (the engine copies it). One engine must be used by one thread at a time
 * (serialize calls on an engine yourself); distinct engines run concurrently. wasm2c's runtime
 * (wabt 1.0.32) keeps its trap target in a per-module-image global, so every compiled policy
 * image takes its own lock around each call into it: engines sharing an image serialize only
 * for the duration of one decision.
 *
 * Buffers: the engine owns each buffer's dma-buf fd and closes it in hw_engine_free().
 * hw_engine_buffer_fd() lends it; hw_engine_export() gives the caller a duplicate that the
 * caller owns and closes (that is what makes the fd "leave the process").
 */
#ifndef HEAPWISE_H
#define HEAPWISE_H

#include <stdint.h>
#include <stddef.h>
#include <stdio.h>

#include "heapwise_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define HW_API __attribute__((visibility("default")))
#else
#define HW_API
#endif

/* ---- status and errors ------------------------------------------------------------------- */

typedef enum hw_status {
  HW_OK = 0,
  HW_ERR_ARGUMENT = 1,       /* a NULL handle, an out-of-range value: a bug in the caller */
  HW_ERR_INPUT = 2,          /* a platform, request, workload or trace file that is not valid */
  HW_ERR_POLICY_REFUSED = 3, /* a policy module the host will not load (ABI, imports, limits) */
  HW_ERR_POLICY_FAULT = 4,   /* a loaded policy trapped, aborted, or asked for an invalid op */
  HW_ERR_USAGE = 5,          /* a call that makes no sense for the buffer's state */
  HW_ERR_KERNEL = 6,         /* the kernel (or its model) refused a validated operation */
  HW_ERR_NO_FIT = 7,         /* the policy found no heap for the buffer */
  HW_ERR_NO_MEMORY = 8,      /* malloc failed */
  HW_ERR_IO = 9,             /* reading or writing a file failed */
  HW_ERR_DIVERGED = 10       /* replay: the policy answered differently from the trace */
} hw_status_t;

typedef struct hw_error hw_error_t;

/* The message names the file, field or module at fault. Borrowed from the error. */
HW_API const char *hw_error_message(const hw_error_t *error);
HW_API hw_status_t hw_error_status(const hw_error_t *error);
/* A new error carrying a copy of message (for callers that report through the same type).
 * NULL when out of memory. */
HW_API hw_error_t *hw_error_new(hw_status_t status, const char *message);
/* Deletes an error; NULL is fine. */
HW_API void hw_error_delete(hw_error_t *error);
/* Name of a status ("HW_ERR_NO_FIT"); a static string. Thread-safe. */
HW_API const char *hw_status_name(hw_status_t status);

/* ---- policies ---------------------------------------------------------------------------- */

typedef struct hw_policy hw_policy_t;

typedef struct hw_policy_options {
  /* Largest linear memory a module may declare, in bytes; 0 = 16 MiB (the host cap). */
  uint64_t memory_cap_bytes;
  /* Fuel units per call into the module: one per function entry and loop iteration, counted at
   * the instrumentation points of the Node and Deno hosts, so a budget runs out at the same
   * event in every host. A call that exhausts it is a fault of kind "fuel" (at load: a refusal).
   * 0 = the manifest's "fuel", else 10,000,000. At most 2^31-1. */
  uint32_t fuel;
  /* Grants a debug build (@assemblyscript/wasi-shim) its one capability, a log sink: wasi
   * fd_write to fds 1 and 2 becomes log lines (traces, hw_engine_options_t.log); proc_exit
   * traps; every other WASI import is still refused. 0 (default): every WASI import is refused,
   * naming it. */
  int log;
  /* Manifest to enforce (schemas/manifest.schema.json): sha256 pin of the module (checked
   * before any of its code runs), name and version (after), allowedHeaps and
   * maxAllocationBytes on every ALLOC (invalid operations), fuel. NULL: X.manifest.json beside
   * X.so when that file exists (a built-in has none). */
  const char *manifest_path;
} hw_policy_options_t;

/*
 * Loads a built-in policy: "default" is compiled into the library. Thread-safe.
 * opts may be NULL. On success *out is a new handle the caller deletes.
 */
HW_API hw_status_t hw_policy_load_builtin(const char *name, const hw_policy_options_t *opts,
                                          hw_policy_t **out, hw_error_t **error);

/*
 * Loads a policy shared object built by `heapwise compile X.wasm -o X.so` (dlopen). Checks,
 * before the module runs any code of its own: the image was built by heapwise compile (this
 * contract, explicit bounds checks, the fuel counter: an older or hand-made .so is refused),
 * the sha256 of the embedded module (against the manifest's pin), its imports (env.abort only;
 * with the log capability also wasi fd_write and proc_exit), one memory with a declared maximum
 * <= the cap, the required exports and their signatures; then runs the start function under
 * the fuel budget (and a debug build's _initialize), reads hw_abi_version first (a different
 * major is refused naming both versions), the identity strings (against the manifest's), and
 * the input/output regions (inside memory, not overlapping).
 * Thread-safe (dlopen is). The shared object stays loaded while any handle or engine uses it.
 */
HW_API hw_status_t hw_policy_load_file(const char *path, const hw_policy_options_t *opts,
                                       hw_policy_t **out, hw_error_t **error);

/* Identity, borrowed from the policy. path is NULL for a built-in. Thread-safe. */
HW_API const char *hw_policy_name(const hw_policy_t *policy);
HW_API const char *hw_policy_version(const hw_policy_t *policy);
HW_API const char *hw_policy_sha256(const hw_policy_t *policy);
HW_API const char *hw_policy_path(const hw_policy_t *policy);
/* ABI the module speaks (major << 16 | minor). */
HW_API uint32_t hw_policy_abi(const hw_policy_t *policy);
/* Fuel units per call, whether the log capability was granted, the manifest enforced (NULL:
 * none). Thread-safe. */
HW_API uint32_t hw_policy_fuel(const hw_policy_t *policy);
HW_API int hw_policy_log_capability(const hw_policy_t *policy);
HW_API const char *hw_policy_manifest_path(const hw_policy_t *policy);

/* Drops the caller's reference; engines created from it keep their own. NULL is fine. */
HW_API void hw_policy_delete(hw_policy_t *policy);

/* ---- platforms --------------------------------------------------------------------------- */

typedef struct hw_platform hw_platform_t;

/* Tri-state for properties that default from the heap kind or the IOMMU. */
#define HW_DEFAULT (-1)

typedef struct hw_heap_spec {
  const char *name;          /* /dev/dma_heap node name, or "udmabuf" */
  uint32_t kind;             /* HW_HEAP_KIND_*; 0 = infer from the name */
  int contiguous;            /* 0, 1 or HW_DEFAULT (from the kind) */
  int cached;                /* 0, 1 or HW_DEFAULT */
  int cpu_access;            /* 0, 1 or HW_DEFAULT */
  uint32_t max_address_bits; /* 1..64; 0 = 64 (anywhere) */
  uint64_t size;             /* capacity in bytes; 0 = unbounded */
  uint64_t granule;          /* power of two; 0 = 1 */
} hw_heap_spec_t;

typedef struct hw_device_spec {
  const char *name;
  uint32_t dma_mask_bits;         /* 1..64 */
  int iommu;                      /* 0 or 1 */
  int coherent;                   /* 0 or 1 */
  int contiguous;                 /* 0, 1 or HW_DEFAULT (= contiguous iff no IOMMU) */
  uint64_t alignment;             /* power of two; 0 = 1 */
  int protected_access;           /* 0 or 1: may access protected memory */
  const char *const *preferred_heaps; /* heap names, most preferred first (NULL iff count 0) */
  size_t preferred_count;
} hw_device_spec_t;

/* The spec fields above limited to 0, 1 (or HW_DEFAULT), a NULL preferred_heaps with a count or a
 * NULL entry in it are the caller's bug: HW_ERR_ARGUMENT naming the field. A spec that describes
 * no valid platform (a name taken, a mask of 0, an unknown preferred heap) is HW_ERR_INPUT. */

/* An empty platform to describe programmatically. Thread-safe. */
HW_API hw_status_t hw_platform_new(const char *name, hw_platform_t **out, hw_error_t **error);
/* Adds a heap (kind inferred from the name when 0, as the Node host does). Not thread-safe
 * against other calls on the same platform. */
HW_API hw_status_t hw_platform_add_heap(hw_platform_t *platform, const hw_heap_spec_t *heap,
                                        hw_error_t **error);
/* Adds a device; its preferred heaps must already be added. */
HW_API hw_status_t hw_platform_add_device(hw_platform_t *platform, const hw_device_spec_t *device,
                                          hw_error_t **error);
/* Reads and validates a platform JSON file (examples/platforms/ *.json). Thread-safe.
 * HW_ERR_INPUT naming the file when it cannot be read (missing, a directory) or is not valid. */
HW_API hw_status_t hw_platform_load_file(const char *path, hw_platform_t **out, hw_error_t **error);
/* Same from JSON text; `label` names it in messages. A label that ends in a JSON path
 * ("workload.json at /platform", an inline platform) has the faulty field's path appended. */
HW_API hw_status_t hw_platform_load_json(const char *json, const char *label, hw_platform_t **out,
                                         hw_error_t **error);
HW_API const char *hw_platform_name(const hw_platform_t *platform);
HW_API size_t hw_platform_heap_count(const hw_platform_t *platform);
HW_API size_t hw_platform_device_count(const hw_platform_t *platform);
/* Name of heap/device i, or NULL past the end. */
HW_API const char *hw_platform_heap_name(const hw_platform_t *platform, size_t i);
HW_API const char *hw_platform_device_name(const hw_platform_t *platform, size_t i);
HW_API void hw_platform_delete(hw_platform_t *platform);

/* ---- engines ----------------------------------------------------------------------------- */

typedef struct hw_engine hw_engine_t;
/* Engine buffer ids: 1, 2, ... in allocation order, never reused within an engine. */
typedef uint32_t hw_buffer_id_t;

typedef enum hw_backend_kind {
  HW_BACKEND_MODEL = 0,  /* in-process model of the uAPI (host/backend/model.ts), fake fds from 3 */
  HW_BACKEND_KERNEL = 1  /* real ioctls on /dev/dma_heap/<name> and /dev/udmabuf */
} hw_backend_kind_t;

/* A line a debug build wrote (to fd 1 or 2) while answering event `event`; text is UTF-8
 * without the newline, borrowed for the duration of the call. */
typedef void (*hw_log_fn)(void *ctx, uint32_t event, uint32_t fd, const char *text);

typedef struct hw_engine_options {
  hw_backend_kind_t backend;      /* another value: HW_ERR_ARGUMENT */
  /* Most ops one answer may carry; 0 = 64. At most HW_MAX_OPS (the output region's slots): more
   * is HW_ERR_ARGUMENT, so the cap a trace records is the cap enforced, and replay uses it. */
  uint32_t op_cap;
  uint64_t max_allocation_bytes;  /* largest allocation handed to any heap; 0 = 1 GiB */
  /* Policy switched to when the module traps, aborts, runs out of fuel or asks for an invalid
   * op; the event is then asked again of it (a new event, recorded after a "swap" trace line).
   * NULL: faults are returned as HW_ERR_POLICY_FAULT. The engine keeps its own reference. */
  const hw_policy_t *fallback;
  /* Receives the log lines of a policy loaded with the log capability (after the event is
   * answered or faults, before the engine acts on the answer). NULL: lines go to traces only. */
  hw_log_fn log;
  void *log_ctx;
} hw_engine_options_t;

/*
 * Instantiates the policy (its own instance), hands it the platform (hw_init) and returns an
 * engine. The engine copies the platform and holds a reference on the policy: both may be
 * deleted afterwards. opts may be NULL (model backend, defaults).
 */
HW_API hw_status_t hw_engine_new(const hw_policy_t *policy, const hw_platform_t *platform,
                                 const hw_engine_options_t *opts, hw_engine_t **out,
                                 hw_error_t **error);

/*
 * Swaps the policy at runtime: a new instance of `policy` is created and given the platform;
 * live buffers keep their BufferState, so the new module continues where the old one stopped.
 * A recording trace gets a "swap" line. On failure the old policy stays in place.
 */
HW_API hw_status_t hw_engine_set_policy(hw_engine_t *engine, const hw_policy_t *policy);

/* Frees every live buffer (ending open accesses) and the engine. NULL is fine. */
HW_API void hw_engine_delete(hw_engine_t *engine);

/* Message and status of the last failed call on this engine ("" / HW_OK when none). */
HW_API const char *hw_engine_last_error(const hw_engine_t *engine);
HW_API hw_status_t hw_engine_last_status(const hw_engine_t *engine);
/* Identity of the policy currently in use (borrowed). */
HW_API const hw_policy_t *hw_engine_policy(const hw_engine_t *engine);
/* Events handed to the policy so far. */
HW_API uint32_t hw_engine_events(const hw_engine_t *engine);
/* Fuel units the module in use spent in its last call (the budget when it ran out). */
HW_API uint32_t hw_engine_last_fuel(const hw_engine_t *engine);

typedef struct hw_alloc_request {
  uint64_t size;                  /* bytes; rounded up by the policy */
  const char *const *devices;     /* names of every device known to attach now (>= 1, none NULL) */
  size_t device_count;
  uint32_t cpu;                   /* HW_ACCESS_NONE/READ/WRITE/READWRITE: declared CPU use */
  int protected_content;          /* 0 or 1 */
  const char *name;               /* DMA_BUF_SET_NAME name (<= 31 bytes UTF-8) or NULL */
  int deferred;                   /* 1: place at first use, from every attached device */
} hw_alloc_request_t;

/*
 * Creates a buffer and places it now (or at first use when deferred). Returns HW_OK with *out
 * set when placed or deferred; HW_ERR_NO_FIT (with *out still set: the buffer exists, its
 * decision says why) when the policy found no heap. Every ENOMEM on a heap marks it failed and
 * asks the policy again (same loop as the Node host). A request outside its documented values
 * (devices NULL or holding NULL, cpu not HW_ACCESS_*, protected_content or deferred not 0 or 1)
 * is HW_ERR_ARGUMENT naming the field, before anything is recorded; an unknown device name, a
 * size of 0 or above the limit, no device at all are HW_ERR_USAGE.
 */
HW_API hw_status_t hw_engine_allocate(hw_engine_t *engine, const hw_alloc_request_t *request,
                                      hw_buffer_id_t *out);
/* Attaches another device; a deferred buffer is placed from all attachments at first use.
 * device NULL: HW_ERR_ARGUMENT (as for hw_engine_device_begin/_end); a name the platform does
 * not have: HW_ERR_USAGE. */
HW_API hw_status_t hw_engine_attach(hw_engine_t *engine, hw_buffer_id_t buf, const char *device);
/* Places a deferred buffer now (normally done at its first use). HW_ERR_NO_FIT when none fits. */
HW_API hw_status_t hw_engine_place(hw_engine_t *engine, hw_buffer_id_t buf);

/* A device starts / stops accessing the buffer (access: HW_ACCESS_READ/WRITE/READWRITE).
 * The engine executes whatever DMA_BUF_IOCTL_SYNC the policy asks for. */
HW_API hw_status_t hw_engine_device_begin(hw_engine_t *engine, hw_buffer_id_t buf,
                                          const char *device, uint32_t access);
HW_API hw_status_t hw_engine_device_end(hw_engine_t *engine, hw_buffer_id_t buf, const char *device);

/* The CPU starts / stops accessing the buffer. */
HW_API hw_status_t hw_engine_cpu_begin(hw_engine_t *engine, hw_buffer_id_t buf, uint32_t access);
HW_API hw_status_t hw_engine_cpu_end(hw_engine_t *engine, hw_buffer_id_t buf);
/*
 * Between cpu_begin and cpu_end: a CPU mapping of the whole buffer (mmap MAP_SHARED of the
 * dma-buf on the kernel backend, writable iff the access writes; host memory on the model
 * backend, kept until free so contents persist). Valid until cpu_end, which unmaps it.
 */
HW_API hw_status_t hw_engine_cpu_map(hw_engine_t *engine, hw_buffer_id_t buf, void **addr,
                                     size_t *len);
/* One whole CPU access, as a workload's "cpu" event: begin, write or verify a pattern through
 * the backend, end. */
HW_API hw_status_t hw_engine_cpu_access(hw_engine_t *engine, hw_buffer_id_t buf, uint32_t access);

/*
 * The buffer's fd leaves the process: from now on every CPU access is bracketed. When fd_out is
 * not NULL it receives a duplicate (F_DUPFD_CLOEXEC) the caller owns and must close, or -1 on
 * the model backend, which has no kernel object to duplicate.
 */
HW_API hw_status_t hw_engine_export(hw_engine_t *engine, hw_buffer_id_t buf, int *fd_out);

/* Frees the buffer: the policy closes any open START, then the engine closes its fd. */
HW_API hw_status_t hw_engine_free(hw_engine_t *engine, hw_buffer_id_t buf);
/* Frees every live buffer in allocation order, ending open accesses first (dispose). */
HW_API hw_status_t hw_engine_free_all(hw_engine_t *engine);

typedef struct hw_buffer_info {
  int placed;              /* 1 once placed */
  const char *heap;        /* heap name or NULL (borrowed until free) */
  uint32_t heap_index;     /* HW_NONE until placed */
  uint64_t size;           /* rounded size once placed */
  int fd;                  /* engine-owned dma-buf fd (fake on the model backend), -1 when none */
  int exported;
  uint64_t devices;        /* attached devices, bit i = platform device i */
} hw_buffer_info_t;

HW_API hw_status_t hw_engine_buffer_info(const hw_engine_t *engine, hw_buffer_id_t buf,
                                         hw_buffer_info_t *out);

/* ---- decisions (the explanation of a placement) ------------------------------------------ */

typedef struct hw_decision hw_decision_t;

/* The decision behind a buffer's placement (NULL before a deferred buffer is placed).
 * Borrowed: valid until the buffer is freed. Its sentences (failure, fallbacks, rejections,
 * ranking, JSON) are written on the first read of any of them, so a placement nobody asks
 * about costs no text: reading a decision is using its engine (one thread at a time). A read
 * that runs out of memory writing them returns NULL, 0 or HW_ERR_NO_MEMORY. */
HW_API const hw_decision_t *hw_engine_decision(const hw_engine_t *engine, hw_buffer_id_t buf);

/* Chosen heap, or NULL when nothing fit (then hw_decision_failure says why). */
HW_API const char *hw_decision_heap(const hw_decision_t *d);
HW_API uint64_t hw_decision_size(const hw_decision_t *d);
HW_API uint32_t hw_decision_fd_flags(const hw_decision_t *d);
HW_API const char *hw_decision_name(const hw_decision_t *d);
HW_API const char *hw_decision_failure(const hw_decision_t *d);
/* Fallback heaps in rank order. */
HW_API size_t hw_decision_fallback_count(const hw_decision_t *d);
HW_API const char *hw_decision_fallback(const hw_decision_t *d, size_t i);

typedef struct hw_rejection {
  const char *heap;
  const char *device;  /* device at fault, or NULL */
  const char *reason;  /* the same sentence as the Node host (host/engine/reason-text.ts) */
  const char *code;    /* Reason name: "DMA_MASK", ... */
} hw_rejection_t;
HW_API size_t hw_decision_rejected_count(const hw_decision_t *d);
HW_API hw_status_t hw_decision_rejected(const hw_decision_t *d, size_t i, hw_rejection_t *out);

typedef struct hw_ranked {
  const char *heap;
  const char *reason;
  const char *code;
} hw_ranked_t;
/* Why the chosen heap and each fallback rank where they do. */
HW_API size_t hw_decision_ranking_count(const hw_decision_t *d);
HW_API hw_status_t hw_decision_ranking(const hw_decision_t *d, size_t i, hw_ranked_t *out);

typedef struct hw_attempt {
  const char *heap;
  int errno_value;
  const char *code;  /* "ENOMEM" */
} hw_attempt_t;
/* Heaps that failed at allocation time, in order. */
HW_API size_t hw_decision_attempt_count(const hw_decision_t *d);
HW_API hw_status_t hw_decision_attempt(const hw_decision_t *d, size_t i, hw_attempt_t *out);

/* The decision as JSON (schemas/decision.schema.json, same keys as the Node host), indented
 * by 2. *json is malloc'd; the caller frees it. */
HW_API hw_status_t hw_decision_to_json(const hw_decision_t *d, char **json);

/* ---- traces (docs/trace.md) -------------------------------------------------------------- */

/*
 * Starts recording the engine's session to `out` in trace format v2 (docs/trace.md): the header now (with the
 * policy's fuel budget, the op cap and the log capability as "limits"), then call, event, log,
 * answer, fault, swap and result lines as they happen, byte-identical to the Node host's for
 * the same session. The engine does not own `out`; it must stay open until
 * hw_engine_trace_finish(). policy_path is recorded in the header as where replay finds the
 * module (NULL: the policy's own path, null for a built-in; "": null, so that replay looks the
 * module up by its sha256, e.g. a Node replay of a trace recorded with a .so). The header's
 * platform is the JSON as loaded, or the programmatic description written out as platform JSON.
 * A trace starts right after hw_engine_new (hw_engine_set_policy may come first): replay runs
 * the session from the engine's first call, so once the engine has served a call every start
 * (this, _start_as, _open) is HW_ERR_USAGE. HW_ERR_IO when the header cannot be written; a
 * failed start leaves the engine not recording.
 */
HW_API hw_status_t hw_engine_trace_start(hw_engine_t *engine, FILE *out, const char *policy_path);

/*
 * The two encodings of the same records (docs/trace.md): JSON Lines (one line per record, for
 * people and tools) and binary (.hwtrace: the event and answer images as raw ABI bytes in CRC-32
 * checked blocks, cheap to record and to replay; `heapwise trace dump` prints the JSON Lines the
 * same session records, byte for byte).
 */
typedef enum hw_trace_format {
  HW_TRACE_JSONL = 0,
  HW_TRACE_BINARY = 1
} hw_trace_format_t;

/* The encoding a trace file name asks for, the rule of every host's --record: binary when the
 * name ends in ".hwtrace" (any case), else JSON Lines (".jsonl" or any other name). */
HW_API hw_trace_format_t hw_trace_format_for_path(const char *path);

/* hw_engine_trace_start in either encoding. A binary trace is written in whole 64 KiB blocks
 * (fwrite to `out`); the last block goes out at hw_engine_trace_finish(). `out` must be opened
 * in binary mode for HW_TRACE_BINARY where that matters. */
HW_API hw_status_t hw_engine_trace_start_as(hw_engine_t *engine, FILE *out, hw_trace_format_t format,
                                            const char *policy_path);

/*
 * Records to the file at `path`, in the encoding its name asks for (hw_trace_format_for_path).
 * A regular file, or none yet: the records go to `path.tmp.<pid>`, renamed to `path` by a
 * successful hw_engine_trace_finish() (a symbolic link stays, the file it names is replaced); a
 * failed finish, or deleting the engine before finishing, removes the temporary file, so a
 * failed run never leaves a half-written trace. Anything else but a directory (a character
 * device, FIFO or socket: /dev/stdout, /dev/null, a named pipe) is opened and written in place,
 * no temporary and no rename, which would replace the node itself with a regular file; opening
 * a FIFO waits for its reader, as a shell redirection does. HW_ERR_IO naming the file when it is
 * a directory (refused at once) or cannot be opened. The rules of hw_engine_trace_start hold.
 */
HW_API hw_status_t hw_engine_trace_open(hw_engine_t *engine, const char *path, const char *policy_path);

/* Writes the end record, flushes, stops recording (and for hw_engine_trace_open puts the file in
 * place). HW_ERR_IO when any write failed. */
HW_API hw_status_t hw_engine_trace_finish(hw_engine_t *engine);

typedef struct hw_replay_result {
  uint32_t events;           /* events replayed */
  int diverged;              /* 1 when an answer differed */
  uint32_t index;            /* event index of the first divergence */
  uint32_t line;             /* 1-based trace line of the expected answer (binary: record index,
                                the line of the same record in the JSON Lines dump) */
  char *expected;            /* the recorded answer (or fault) line, malloc'd; NULL if none */
  char *actual;              /* what the policy answered, malloc'd; NULL if none */
} hw_replay_result_t;

/*
 * Replays a trace in either encoding, told apart by its first byte ('{' or the "HWTRACE\0"
 * magic): hands every recorded event, byte for byte, to `policy` (initialized with the header's
 * platform, under the header's fuel budget) and compares its answer line with the recorded one
 * as text, and the log lines a debug build writes with the recorded `log` lines. A binary trace
 * takes a fast path: the event image is copied into the input region as recorded and the used
 * output region compared with the recorded answer image; only on a difference, a recorded fault,
 * a manifest limiting heaps or sizes does it decode and compare the answer lines (so a
 * difference no line shows, such as OutHeader.reserved0, is no divergence).
 * A recorded fault must be reproduced with the same kind (messages name host-specific files).
 * At a `swap` line replay switches to the module it names, found by sha256 among `policy`,
 * the candidates and the built-in (else HW_ERR_INPUT naming the line). Returns HW_OK when
 * identical, HW_ERR_DIVERGED with the first divergence in *result, HW_ERR_INPUT for a
 * malformed trace: the message names the file and the line, or for a binary trace the byte
 * offset and the record index (bad magic, another version, a block length of 0 or above 16 MiB,
 * a CRC-32 mismatch, a truncated block or record, a record past its block or payload, an unknown
 * record type, images whose length does not match their counts, an index outside the platform,
 * indexes out of order, no end record, bytes after it). Streams one line or one block at a
 * time: memory does not grow with the trace. Free the result's strings with
 * hw_replay_result_clear(). Thread-safe.
 */
HW_API hw_status_t hw_replay_file(const char *trace_path, const hw_policy_t *policy,
                                  hw_replay_result_t *result, hw_error_t **error);

typedef struct hw_replay_options {
  /* More modules a swap line may name (a fallback, an explicit swap's .so). NULL with a
   * candidate_count: HW_ERR_ARGUMENT. */
  const hw_policy_t *const *candidates;
  size_t candidate_count;
} hw_replay_options_t;
HW_API hw_status_t hw_replay_file_with(const char *trace_path, const hw_policy_t *policy,
                                       const hw_replay_options_t *opts, hw_replay_result_t *result,
                                       hw_error_t **error);
HW_API void hw_replay_result_clear(hw_replay_result_t *result);

#ifdef __cplusplus
}
#endif

#endif /* HEAPWISE_H */
