/* Manifests (schemas/manifest.schema.json) in the C host: found beside the .so or given, the
 * sha256 pin checked before any of the module's code runs, the identity after, allowedHeaps
 * and maxAllocationBytes on every ALLOC, fuel as the budget; malformed ones name the field. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boards.h"
#include "check.h"
#include "heapwise.h"

#define SO(name) HW_BUILD_DIR "/policies/" name ".so"

static char tmpl[] = "/tmp/heapwise-manifest-XXXXXX";
static const char *dir;
static char default_sha[65];

/* Copies a built .so to dir/<as>.so and writes dir/<as>.manifest.json; returns the .so path. */
static const char *with_manifest(const char *so, const char *as, const char *manifest) {
  static char path[512];
  char cmd[1200], mpath[512];
  snprintf(path, sizeof path, "%s/%s.so", dir, as);
  snprintf(cmd, sizeof cmd, "cp %s %s", so, path);
  if (system(cmd) != 0) return NULL;
  snprintf(mpath, sizeof mpath, "%s/%s.manifest.json", dir, as);
  FILE *f = fopen(mpath, "w");
  fputs(manifest, f);
  fclose(f);
  return path;
}

static hw_status_t load(const char *path, hw_policy_t **out, char *msg, size_t cap) {
  hw_error_t *err = NULL;
  hw_status_t st = hw_policy_load_file(path, NULL, out, &err);
  snprintf(msg, cap, "%s", hw_error_message(err));
  hw_error_delete(err);
  return st;
}

static void beside_the_so(void) {
  char m[400], msg[1024];
  snprintf(m, sizeof m, "{\"name\":\"default\",\"version\":\"1.0.0\",\"sha256\":\"%s\",\"fuel\":5000,\"description\":\"pinned\"}", default_sha);
  const char *so = with_manifest(SO("default"), "ok", m);
  hw_policy_t *p = NULL;
  CHECK(load(so, &p, msg, sizeof msg) == HW_OK, "%s", msg);
  CHECK(hw_policy_fuel(p) == 5000, "the manifest's fuel: %u", hw_policy_fuel(p));
  CHECK(hw_policy_manifest_path(p) && strstr(hw_policy_manifest_path(p), "/ok.manifest.json"), "%s", hw_policy_manifest_path(p));
  hw_policy_delete(p);
  /* The caller's budget beats the manifest's. */
  hw_policy_options_t po = {.fuel = 7000};
  CHECK(hw_policy_load_file(so, &po, &p, NULL) == HW_OK && hw_policy_fuel(p) == 7000, "explicit fuel");
  hw_policy_delete(p);
}

static void pin_before_running(void) {
  char m[400], msg[1024];
  snprintf(m, sizeof m, "{\"name\":\"default\",\"version\":\"1.0.0\",\"sha256\":\"%064d\"}", 0);
  const char *so = with_manifest(SO("default"), "pinned", m);
  hw_policy_t *p = NULL;
  CHECK(load(so, &p, msg, sizeof msg) == HW_ERR_POLICY_REFUSED, "refused");
  char want[300];
  snprintf(want, sizeof want, "refused: sha256 %s does not match the manifest's %064d", default_sha, 0);
  CHECK(strstr(msg, want), "%s", msg);
  /* A start function that never returns is refused by its pin, not by its fuel: it never ran. */
  so = with_manifest(SO("start-spin"), "spin", m);
  CHECK(load(so, &p, msg, sizeof msg) == HW_ERR_POLICY_REFUSED && strstr(msg, "does not match the manifest's") && !strstr(msg, "fuel"), "%s", msg);
}

static void identity(void) {
  char m[400], msg[1024];
  snprintf(m, sizeof m, "{\"name\":\"vendor-x\",\"version\":\"2.0.0\",\"sha256\":\"%s\"}", default_sha);
  const char *so = with_manifest(SO("default"), "ident", m);
  hw_policy_t *p = NULL;
  CHECK(load(so, &p, msg, sizeof msg) == HW_ERR_POLICY_REFUSED && strstr(msg, "refused: reports default 1.0.0; its manifest says vendor-x 2.0.0"), "%s", msg);
  /* A built-in takes a manifest by path. */
  char mpath[512];
  snprintf(mpath, sizeof mpath, "%s/ident.manifest.json", dir);
  hw_policy_options_t po = {.manifest_path = mpath};
  hw_error_t *err = NULL;
  CHECK(hw_policy_load_builtin("default", &po, &p, &err) == HW_ERR_POLICY_REFUSED && strstr(hw_error_message(err), "builtin:default refused: reports default"),
        "%s", hw_error_message(err));
  hw_error_delete(err);
}

static void limits_on_alloc(void) {
  char m[400], msg[1024];
  snprintf(m, sizeof m, "{\"name\":\"default\",\"version\":\"1.0.0\",\"sha256\":\"%s\",\"allowedHeaps\":[\"reserved\"]}", default_sha);
  hw_policy_t *p = NULL;
  CHECK(load(with_manifest(SO("default"), "heaps", m), &p, msg, sizeof msg) == HW_OK, "%s", msg);
  hw_platform_t *board = camera_board();
  hw_engine_t *e = NULL;
  CHECK(hw_engine_new(p, board, NULL, &e, NULL) == HW_OK, "engine");
  const char *csi[] = {"csi"}, *gpu[] = {"gpu"};
  hw_alloc_request_t r = {4096, csi, 1, HW_ACCESS_NONE, 0, NULL, 0};
  hw_buffer_id_t id;
  CHECK(hw_engine_allocate(e, &r, &id) == HW_OK && !strcmp(hw_decision_heap(hw_engine_decision(e, id)), "reserved"), "%s", hw_engine_last_error(e));
  r.devices = gpu;
  r.cpu = HW_ACCESS_READ;
  CHECK(hw_engine_allocate(e, &r, &id) == HW_ERR_POLICY_FAULT, "system is not allowed");
  CHECK(strstr(hw_engine_last_error(e), "heaps.so: ALLOC from heap system, which its manifest does not allow (reserved)"), "%s", hw_engine_last_error(e));
  hw_engine_delete(e);
  hw_policy_delete(p);
  snprintf(m, sizeof m, "{\"name\":\"default\",\"version\":\"1.0.0\",\"sha256\":\"%s\",\"maxAllocationBytes\":65536}", default_sha);
  CHECK(load(with_manifest(SO("default"), "big", m), &p, msg, sizeof msg) == HW_OK, "%s", msg);
  CHECK(hw_engine_new(p, board, NULL, &e, NULL) == HW_OK, "engine");
  r.size = 70000;
  CHECK(hw_engine_allocate(e, &r, &id) == HW_ERR_POLICY_FAULT && strstr(hw_engine_last_error(e), "ALLOC of 73728 bytes exceeds its manifest's maxAllocationBytes 65536"),
        "%s", hw_engine_last_error(e));
  hw_engine_delete(e);
  hw_policy_delete(p);
  hw_platform_delete(board);
}

static void malformed(void) {
  struct { const char *json, *want; } cases[] = {
      {"{\"name\":\"default\",\"version\":\"one\",\"sha256\":\"%s\"}", "bad.manifest.json at /version: must match pattern"},
      {"{\"name\":\"default\",\"version\":\"1.0.0\"}", "bad.manifest.json at /: must have required property 'sha256'"},
      {"{\"name\":\"default\",\"version\":\"1.0.0\",\"sha256\":\"%s\",\"colour\":1}", "bad.manifest.json at /: unknown property \"colour\""},
      {"{\"name\":\"default\",\"version\":\"1.0.0\",\"sha256\":\"%s\",\"fuel\":0}", "bad.manifest.json at /fuel: must be >= 1"},
      {"{\"name\":\"default\",\"version\":\"1.0.0\",\"sha256\":\"%s\",\"allowedHeaps\":[\"a\",\"a\"]}", "bad.manifest.json at /allowedHeaps: must NOT have duplicate items"},
      {"{\"name\":", "bad.manifest.json: malformed JSON at line"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char m[400], msg[1024];
    snprintf(m, sizeof m, cases[i].json, default_sha);
    hw_policy_t *p = NULL;
    hw_status_t st = load(with_manifest(SO("default"), "bad", m), &p, msg, sizeof msg);
    CHECK(st == HW_ERR_INPUT && p == NULL && strstr(msg, cases[i].want), "case %zu: %s %s", i, hw_status_name(st), msg);
  }
}

int main(void) {
  check_suite = "manifest";
  dir = mkdtemp(tmpl);
  hw_policy_t *def = NULL;
  hw_policy_load_builtin("default", NULL, &def, NULL);
  snprintf(default_sha, sizeof default_sha, "%s", hw_policy_sha256(def));
  hw_policy_delete(def);
  RUN(beside_the_so, "a matching manifest beside the .so is loaded; its fuel is the budget");
  RUN(pin_before_running, "a module whose hash does not match is refused before it runs");
  RUN(identity, "a module reporting another identity than its manifest is refused");
  RUN(limits_on_alloc, "allowedHeaps and maxAllocationBytes are enforced on every ALLOC");
  RUN(malformed, "a malformed manifest is bad input naming the file and field");
  return check_report_removing(dir);
}
