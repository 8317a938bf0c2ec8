/* Loading a policy: the built-in image, or a .so through dlopen. Everything is checked before
 * the module runs (image contract and fuel instrumentation, the manifest's hash pin on the
 * embedded module, its sections), then a probe instance runs the start function under the
 * budget and reads the ABI version first, the identity and the regions, as host/module/ does. */
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "policy_instance.h"
#include "sha256.h"
#include "wasm_sections.h"

#define DEFAULT_MEMORY_CAP (16ull * 1024 * 1024)

/* The built-in default policy image, linked into the library (policy_glue.c with this entry). */
const hw_policy_image *hw_builtin_default_image(void);

hw_policy_t *hw_policy_ref(const hw_policy_t *cp) {
  hw_policy_t *p = (hw_policy_t *)cp;
  atomic_fetch_add(&p->refs, 1);
  return p;
}

void hw_policy_unref(hw_policy_t *p) {
  if (!p || atomic_fetch_sub(&p->refs, 1) != 1) return;
  if (p->dl) dlclose(p->dl);
  free(p->path);
  free(p->label);
  free(p->name);
  free(p->version);
  free(p->sha256);
  hw_manifest_delete(p->manifest);
  free(p);
}

void hw_policy_delete(hw_policy_t *p) { hw_policy_unref(p); }

static hw_status_t refuse(hw_policy_t *p, hw_error_t **error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static hw_status_t refuse(hw_policy_t *p, hw_error_t **error, const char *fmt, ...) {
  char why[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof why, fmt, ap);
  va_end(ap);
  hw_status_t st = hw_fail(error, HW_ERR_POLICY_REFUSED, "policy module %s refused: %s", p->label, why);
  hw_policy_unref(p);
  return st;
}

/* The image is one heapwise compile builds: this contract, explicit bounds checks, and a module
 * instrumented with the fuel counter every host counts with. */
static hw_status_t check_image(hw_policy_t *p, hw_error_t **error) {
  const hw_policy_image *im = p->image;
  if (im->image_version != HW_IMAGE_VERSION) {
    return refuse(p, error, "built as policy image version %u; this library loads version %u (rebuild it with heapwise compile)", im->image_version,
                  HW_IMAGE_VERSION);
  }
  if (im->memcheck_signal != 0) {
    return refuse(p, error,
                  "built with signal-handler bounds checks (WASM_RT_MEMCHECK_SIGNAL_HANDLER=1); this library runs explicit bounds checks only (rebuild it with heapwise compile)");
  }
  if (!im->call || !im->fuel_left || im->fuel_instrumentation != HW_FUEL_INSTRUMENTATION) {
    return refuse(p, error, "has no fuel counter (hw_fuel_set, hw_fuel_left of instrumentation %u): not built by heapwise compile", HW_FUEL_INSTRUMENTATION);
  }
  if (!im->wasm || !im->sha256) return refuse(p, error, "embeds no module: not built by heapwise compile");
  return HW_OK;
}

static hw_status_t finish_load(hw_policy_t *p, const hw_policy_options_t *opts, hw_policy_t **out, hw_error_t **error) {
  hw_status_t st = check_image(p, error);
  if (st != HW_OK) return st;
  const hw_policy_image *im = p->image;
  /* The hash of the embedded bytes, computed here: a manifest pins those bytes, and an image
   * whose recorded hash disagrees was not built by heapwise compile (or was altered). */
  char sha[65];
  hw_sha256_hex(im->wasm, im->wasm_len, sha);
  if (strcmp(sha, im->sha256) != 0) return refuse(p, error, "embedded module has sha256 %s, the image records %s: damaged, or not built by heapwise compile", sha, im->sha256);
  if (!(p->sha256 = strdup(sha))) {
    hw_policy_unref(p);
    return hw_fail(error, HW_ERR_NO_MEMORY, "out of memory loading a policy");
  }
  /* The manifest: given, or beside the .so. Its pin is checked before anything of the module is
   * read further or runs. */
  const char *mpath = opts && opts->manifest_path ? opts->manifest_path : NULL;
  char *beside = NULL;
  if (!mpath && p->path && (beside = hw_manifest_path_for(p->path)) && access(beside, F_OK) == 0) mpath = beside;
  if (mpath && (st = hw_manifest_load(mpath, &p->manifest, error)) != HW_OK) {
    free(beside);
    hw_policy_unref(p);
    return st;
  }
  free(beside);
  if (p->manifest && strcmp(p->manifest->sha256, sha) != 0) return refuse(p, error, "sha256 %s does not match the manifest's %s", sha, p->manifest->sha256);
  char *why = hw_wasm_check(im->wasm, im->wasm_len, p->memory_cap, p->log);
  if (why) {
    st = refuse(p, error, "%s", why);
    free(why);
    return st;
  }
  uint64_t fuel = opts && opts->fuel ? opts->fuel : p->manifest && p->manifest->fuel ? p->manifest->fuel : HW_DEFAULT_FUEL;
  if (fuel > 0x7fffffffu) return refuse(p, error, "fuel budget %llu must be an integer from 1 to 2^31-1", (unsigned long long)fuel);
  p->fuel = (uint32_t)fuel;
  hw_instance *probe = NULL;
  st = hw_instance_new(p, 0, &probe, error);
  if (st != HW_OK) {
    hw_policy_unref(p);
    return st;
  }
  p->name = strdup(probe->name);
  p->version = strdup(probe->version);
  p->abi = probe->abi;
  hw_instance_delete(probe);
  if (!p->name || !p->version) {
    hw_policy_unref(p);
    return hw_fail(error, HW_ERR_NO_MEMORY, "out of memory loading a policy");
  }
  *out = p;
  return HW_OK;
}

static hw_policy_t *new_policy(const hw_policy_options_t *opts) {
  hw_policy_t *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  atomic_init(&p->refs, 1);
  p->memory_cap = opts && opts->memory_cap_bytes ? opts->memory_cap_bytes : DEFAULT_MEMORY_CAP;
  p->log = opts && opts->log;
  return p;
}

hw_status_t hw_policy_load_builtin(const char *name, const hw_policy_options_t *opts, hw_policy_t **out, hw_error_t **error) {
  if (!out) return hw_fail(error, HW_ERR_ARGUMENT, "hw_policy_load_builtin: out is NULL");
  if (!name || strcmp(name, "default") != 0) {
    return hw_fail(error, HW_ERR_ARGUMENT, "no built-in policy \"%s\" (built in: default; load others from a .so)", name ? name : "(null)");
  }
  hw_policy_t *p = new_policy(opts);
  if (!p || !(p->label = strdup("builtin:default"))) {
    free(p);
    return hw_fail(error, HW_ERR_NO_MEMORY, "out of memory loading a policy");
  }
  p->image = hw_builtin_default_image();
  return finish_load(p, opts, out, error);
}

hw_status_t hw_policy_load_file(const char *path, const hw_policy_options_t *opts, hw_policy_t **out, hw_error_t **error) {
  if (!path || !out) return hw_fail(error, HW_ERR_ARGUMENT, "hw_policy_load_file: NULL argument");
  hw_policy_t *p = new_policy(opts);
  if (!p || !(p->path = strdup(path)) || !(p->label = strdup(path))) {
    if (p) free(p->path);
    free(p);
    return hw_fail(error, HW_ERR_NO_MEMORY, "out of memory loading a policy");
  }
  /* dlopen needs a slash to load a file rather than search the library path. */
  char *dlpath = NULL;
  if (!strchr(path, '/') && asprintf(&dlpath, "./%s", path) < 0) dlpath = NULL;
  /* RTLD_LAZY: a module with a forbidden import still loads, so the section check can name the
   * import instead of dlopen failing on an undefined symbol. RTLD_LOCAL: images share nothing. */
  p->dl = dlopen(dlpath ? dlpath : path, RTLD_LAZY | RTLD_LOCAL);
  free(dlpath);
  if (!p->dl) {
    const char *why = dlerror();
    hw_status_t st = hw_fail(error, HW_ERR_POLICY_REFUSED, "policy module %s refused: cannot load the shared object: %s", path, why ? why : "dlopen failed");
    hw_policy_unref(p);
    return st;
  }
  hw_policy_image_entry entry = (hw_policy_image_entry)dlsym(p->dl, HW_IMAGE_ENTRY);
  if (!entry) {
    hw_status_t st = hw_fail(error, HW_ERR_POLICY_REFUSED, "policy module %s refused: no %s symbol: not a policy built by heapwise compile", path, HW_IMAGE_ENTRY);
    hw_policy_unref(p);
    return st;
  }
  p->image = entry();
  if (!p->image) {
    hw_status_t st = hw_fail(error, HW_ERR_POLICY_REFUSED, "policy module %s refused: %s returned no image", path, HW_IMAGE_ENTRY);
    hw_policy_unref(p);
    return st;
  }
  return finish_load(p, opts, out, error);
}

const char *hw_policy_name(const hw_policy_t *p) { return p ? p->name : NULL; }
const char *hw_policy_version(const hw_policy_t *p) { return p ? p->version : NULL; }
const char *hw_policy_sha256(const hw_policy_t *p) { return p ? p->sha256 : NULL; }
const char *hw_policy_path(const hw_policy_t *p) { return p ? p->path : NULL; }
uint32_t hw_policy_abi(const hw_policy_t *p) { return p ? p->abi : 0; }
uint32_t hw_policy_fuel(const hw_policy_t *p) { return p ? p->fuel : 0; }
int hw_policy_log_capability(const hw_policy_t *p) { return p ? p->log : 0; }
const char *hw_policy_manifest_path(const hw_policy_t *p) { return p && p->manifest ? p->manifest->path : NULL; }
