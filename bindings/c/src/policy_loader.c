/* Loading a policy: the built-in image, or a .so through dlopen. Everything is checked before
 * the module runs (image contract, the embedded module's sections), then a probe instance
 * reads the ABI version first, the identity and the regions, as host/module/ does. */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "policy_instance.h"
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
  free(p);
}

void hw_policy_delete(hw_policy_t *p) { hw_policy_unref(p); }

static hw_status_t finish_load(hw_policy_t *p, hw_policy_t **out, hw_error_t **error) {
  const hw_policy_image *im = p->image;
  if (im->image_version != HW_IMAGE_VERSION) {
    hw_status_t st = hw_fail(error, HW_ERR_POLICY_REFUSED,
                             "policy module %s refused: built as policy image version %u; this library loads version %u (rebuild it with heapwise compile)",
                             p->label, im->image_version, HW_IMAGE_VERSION);
    hw_policy_unref(p);
    return st;
  }
  if (im->memcheck_signal != 0) {
    hw_status_t st = hw_fail(error, HW_ERR_POLICY_REFUSED,
                             "policy module %s refused: built with signal-handler bounds checks (WASM_RT_MEMCHECK_SIGNAL_HANDLER=1); this library runs explicit bounds checks only (rebuild it with heapwise compile)",
                             p->label);
    hw_policy_unref(p);
    return st;
  }
  char *why = hw_wasm_check(im->wasm, im->wasm_len, p->memory_cap);
  if (why) {
    hw_status_t st = hw_fail(error, HW_ERR_POLICY_REFUSED, "policy module %s refused: %s", p->label, why);
    free(why);
    hw_policy_unref(p);
    return st;
  }
  p->sha256 = strdup(im->sha256 ? im->sha256 : "");
  hw_instance *probe = NULL;
  hw_status_t st = hw_instance_new(p, &probe, error);
  if (st != HW_OK) {
    hw_policy_unref(p);
    return st;
  }
  p->name = strdup(probe->name);
  p->version = strdup(probe->version);
  p->abi = probe->abi;
  hw_instance_delete(probe);
  if (!p->name || !p->version || !p->sha256) {
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
  return finish_load(p, out, error);
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
  return finish_load(p, out, error);
}

const char *hw_policy_name(const hw_policy_t *p) { return p ? p->name : NULL; }
const char *hw_policy_version(const hw_policy_t *p) { return p ? p->version : NULL; }
const char *hw_policy_sha256(const hw_policy_t *p) { return p ? p->sha256 : NULL; }
const char *hw_policy_path(const hw_policy_t *p) { return p ? p->path : NULL; }
uint32_t hw_policy_abi(const hw_policy_t *p) { return p ? p->abi : 0; }
