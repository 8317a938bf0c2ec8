/* Trace format version 2 records the manifest in force with each policy (docs/trace.md): a
 * recording under a manifest carries it in its header (JSON Lines and binary, the same text);
 * replay enforces the recorded manifest on the recorded module even where no manifest lies
 * beside it; version 1 traces still replay; a bad recorded manifest names the field. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boards.h"
#include "check.h"
#include "heapwise.h"

#define SO(name) HW_BUILD_DIR "/policies/" name ".so"

static char tmpl[] = "/tmp/heapwise-trace-manifest-XXXXXX";
static const char *dir;
static char default_sha[65];
static char manifest[600]; /* the manifest beside heaps.so, as a version 2 trace records it */

static void in_dir(char *out, size_t cap, const char *name) { snprintf(out, cap, "%s/%s", dir, name); }

static int copy_so(const char *as) {
  char cmd[1200];
  snprintf(cmd, sizeof cmd, "cp %s %s/%s.so", SO("default"), dir, as);
  return system(cmd) == 0;
}

static void spit(const char *path, const void *b, size_t n) {
  FILE *f = fopen(path, "wb");
  fwrite(b, 1, n, f);
  fclose(f);
}

static unsigned char *slurp(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  unsigned char *s = calloc(1, 1 << 20);
  *n = fread(s, 1, (1 << 20) - 1, f);
  fclose(f);
  return s;
}

/* Records, with heaps.so under its manifest (only "reserved"), an ALLOC from reserved and one
 * the manifest refuses (system, for the GPU): a manifest fault. */
static hw_status_t record(const char *path) {
  hw_policy_t *pol = NULL;
  hw_engine_t *e = NULL;
  char so[512];
  in_dir(so, sizeof so, "heaps.so");
  hw_platform_t *board = camera_board();
  hw_status_t st = hw_policy_load_file(so, NULL, &pol, NULL);
  if (st == HW_OK) st = hw_engine_new(pol, board, NULL, &e, NULL);
  if (st == HW_OK) st = hw_engine_trace_open(e, path, NULL);
  const char *csi[] = {"csi"}, *gpu[] = {"gpu"};
  hw_alloc_request_t r = {4096, csi, 1, HW_ACCESS_NONE, 0, NULL, 0};
  hw_buffer_id_t id;
  if (st == HW_OK) st = hw_engine_allocate(e, &r, &id);
  r.devices = gpu;
  r.cpu = HW_ACCESS_READ;
  if (st == HW_OK) st = hw_engine_allocate(e, &r, &id) == HW_ERR_POLICY_FAULT ? HW_OK : HW_ERR_USAGE;
  if (st == HW_OK) st = hw_engine_trace_finish(e);
  hw_engine_delete(e);
  hw_policy_delete(pol);
  hw_platform_delete(board);
  return st;
}

/* Records the built-in (no manifest) swapped explicitly for heaps.so, whose manifest then
 * refuses an ALLOC from system. */
static hw_status_t record_swap(const char *path) {
  hw_policy_t *builtin = NULL, *heaps = NULL;
  hw_engine_t *e = NULL;
  char so[512];
  in_dir(so, sizeof so, "heaps.so");
  hw_platform_t *board = camera_board();
  hw_status_t st = hw_policy_load_builtin("default", NULL, &builtin, NULL);
  if (st == HW_OK) st = hw_policy_load_file(so, NULL, &heaps, NULL);
  if (st == HW_OK) st = hw_engine_new(builtin, board, NULL, &e, NULL);
  if (st == HW_OK) st = hw_engine_trace_open(e, path, NULL);
  if (st == HW_OK) st = hw_engine_set_policy(e, heaps);
  const char *gpu[] = {"gpu"};
  hw_alloc_request_t r = {4096, gpu, 1, HW_ACCESS_READ, 0, NULL, 0};
  hw_buffer_id_t id;
  if (st == HW_OK) st = hw_engine_allocate(e, &r, &id) == HW_ERR_POLICY_FAULT ? HW_OK : HW_ERR_USAGE;
  if (st == HW_OK) st = hw_engine_trace_finish(e);
  hw_engine_delete(e);
  hw_policy_delete(heaps);
  hw_policy_delete(builtin);
  hw_platform_delete(board);
  return st;
}

static hw_status_t replay(const char *trace, const char *so, char *msg, size_t cap) {
  hw_policy_t *pol = NULL;
  hw_error_t *err = NULL;
  hw_replay_result_t r;
  hw_status_t st = hw_policy_load_file(so, NULL, &pol, &err);
  if (st == HW_OK) st = hw_replay_file(trace, pol, &r, &err);
  snprintf(msg, cap, "%s", err ? hw_error_message(err) : "");
  hw_error_delete(err);
  if (st == HW_OK || st == HW_ERR_DIVERGED) hw_replay_result_clear(&r);
  hw_policy_delete(pol);
  return st;
}

static void recorded_in_header(void) {
  char jsonl[512], bin[512];
  in_dir(jsonl, sizeof jsonl, "s.jsonl");
  in_dir(bin, sizeof bin, "s.hwtrace");
  CHECK(record(jsonl) == HW_OK && record(bin) == HW_OK, "record");
  size_t n;
  unsigned char *t = slurp(jsonl, &n);
  char want[800];
  snprintf(want, sizeof want, ",\"manifest\":%s},\"limits\":", manifest);
  char *nl = strchr((char *)t, '\n');
  CHECK(nl && strstr((char *)t, "\"version\":2,") && strstr((char *)t, want) < nl && strstr((char *)t, want), "header: %.900s", t);
  free(t);
  /* Binary: optStr 1 + u32 length + the same text, after the path. */
  unsigned char *b = slurp(bin, &n);
  size_t len = strlen(manifest);
  unsigned char field[800] = {1, (unsigned char)len, (unsigned char)(len >> 8), 0, 0};
  memcpy(field + 5, manifest, len);
  CHECK(b && b[8] == 2 && memmem(b, n, field, 5 + len), "binary header lacks the manifest text");
  free(b);
}

static void recorded_in_swap(void) {
  char jsonl[512], bin[512], bare[512], msg[1024];
  in_dir(jsonl, sizeof jsonl, "w.jsonl");
  in_dir(bin, sizeof bin, "w.hwtrace");
  in_dir(bare, sizeof bare, "bare.so");
  CHECK(record_swap(jsonl) == HW_OK && record_swap(bin) == HW_OK, "record");
  size_t n;
  char *t = (char *)slurp(jsonl, &n), want[800];
  snprintf(want, sizeof want, ",\"manifest\":%s}}\n", manifest);
  char *swap = strstr(t, "{\"t\":\"swap\",\"i\":0,\"reason\":\"explicit\",\"policy\":");
  CHECK(strstr(t, "\"path\":null,\"manifest\":null},\"limits\":") && swap && strstr(swap, want) == strchr(swap, '\n') - strlen(want) + 1, "%.1500s", t);
  free(t);
  /* The built-in and bare.so are one module: the swap's recorded manifest holds from there on. */
  CHECK(replay(jsonl, bare, msg, sizeof msg) == HW_OK, "JSON Lines: %s", msg);
  CHECK(replay(bin, bare, msg, sizeof msg) == HW_OK, "binary: %s", msg);
}

static void enforced_without_file(void) {
  char jsonl[512], bin[512], bare[512], msg[1024];
  in_dir(jsonl, sizeof jsonl, "r.jsonl");
  in_dir(bin, sizeof bin, "r.hwtrace");
  in_dir(bare, sizeof bare, "bare.so");
  CHECK(record(jsonl) == HW_OK && record(bin) == HW_OK, "record");
  /* bare.so: the same module, no manifest beside it; the recorded one refuses system again. */
  CHECK(replay(jsonl, bare, msg, sizeof msg) == HW_OK, "JSON Lines: %s", msg);
  CHECK(replay(bin, bare, msg, sizeof msg) == HW_OK, "binary: %s", msg);
}

/* The JSON Lines trace as version 1 wrote it: no manifest keys. */
static void as_version_1(char *s) {
  char *v = strstr(s, "\"version\":2,\"abi\"");
  if (v) v[10] = '1';
  for (char *m; (m = strstr(s, ",\"manifest\":"));) {
    char *end = !strncmp(m + 12, "null", 4) ? m + 16 : strchr(m, '}') + 1;
    memmove(m, end, strlen(end) + 1);
  }
}

static void version_1_replays(void) {
  char v2[512], v1[512], heaps[512], bare[512], msg[1024];
  in_dir(v2, sizeof v2, "old.jsonl");
  in_dir(v1, sizeof v1, "v1.jsonl");
  in_dir(heaps, sizeof heaps, "heaps.so");
  in_dir(bare, sizeof bare, "bare.so");
  CHECK(record(v2) == HW_OK, "record");
  size_t n;
  char *t = (char *)slurp(v2, &n);
  as_version_1(t);
  spit(v1, t, strlen(t));
  CHECK(!strstr(t, ",\"manifest\":") && strstr(t, "\"version\":1,"), "%.400s", t);
  free(t);
  /* Nothing recorded: the module's own manifest, as before version 2. */
  CHECK(replay(v1, heaps, msg, sizeof msg) == HW_OK, "with its manifest: %s", msg);
  CHECK(replay(v1, bare, msg, sizeof msg) == HW_ERR_DIVERGED, "without it the ALLOC from system is an answer: %s", msg);
}

static void fix_crcs(unsigned char *b, size_t n) {
  for (size_t p = 12; p + 8 <= n;) {
    uint32_t len = (uint32_t)b[p] | (uint32_t)b[p + 1] << 8 | (uint32_t)b[p + 2] << 16 | (uint32_t)b[p + 3] << 24;
    if (len > n - p - 8) return;
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < len; i++) {
      c ^= b[p + 8 + i];
      for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    }
    c = ~c;
    b[p + 4] = (unsigned char)c, b[p + 5] = (unsigned char)(c >> 8), b[p + 6] = (unsigned char)(c >> 16), b[p + 7] = (unsigned char)(c >> 24);
    p += 8 + len;
  }
}

/* The recorded manifest's sha256 (the second copy of the hash in the header) made "zz...". */
static int spoil_manifest_sha(unsigned char *b, size_t n) {
  unsigned char *first = memmem(b, n, default_sha, 64);
  unsigned char *second = first ? memmem(first + 64, n - (size_t)(first + 64 - b), default_sha, 64) : NULL;
  if (!second) return 0;
  memset(second, 'z', 64);
  return 1;
}

static void bad_recorded_manifest(void) {
  char jsonl[512], bin[512], bad[512], so[512], msg[1024];
  in_dir(jsonl, sizeof jsonl, "b.jsonl");
  in_dir(bin, sizeof bin, "b.hwtrace");
  in_dir(so, sizeof so, "bare.so");
  CHECK(record(jsonl) == HW_OK && record(bin) == HW_OK, "record");
  size_t n;
  unsigned char *t = slurp(jsonl, &n);
  CHECK(spoil_manifest_sha(t, n), "no manifest sha256 in the header");
  in_dir(bad, sizeof bad, "bad.jsonl");
  spit(bad, t, n);
  CHECK(replay(bad, so, msg, sizeof msg) == HW_ERR_INPUT && strstr(msg, "bad.jsonl at line 1: header policy.manifest at /sha256: must match pattern"), "%s", msg);
  /* Version 2 without the key, version 1 with it: refused too. */
  char *m = strstr((char *)t, ",\"manifest\":");
  memcpy(m, ",\"manifold\":", 12);
  spit(bad, t, n);
  CHECK(replay(bad, so, msg, sizeof msg) == HW_ERR_INPUT && strstr(msg, "bad.jsonl at line 1: header policy.manifest: missing"), "%s", msg);
  memcpy(m, ",\"manifest\":", 12);
  memcpy(strstr((char *)t, "\"version\":2,"), "\"version\":1,", 12);
  spit(bad, t, n);
  CHECK(replay(bad, so, msg, sizeof msg) == HW_ERR_INPUT && strstr(msg, "bad.jsonl at line 1: header policy.manifest: a version 1 trace records no manifest"), "%s", msg);
  free(t);
  unsigned char *b = slurp(bin, &n);
  CHECK(spoil_manifest_sha(b, n), "no manifest sha256 in the binary header");
  fix_crcs(b, n);
  in_dir(bad, sizeof bad, "bad.hwtrace");
  spit(bad, b, n);
  CHECK(replay(bad, so, msg, sizeof msg) == HW_ERR_INPUT && strstr(msg, "bad.hwtrace at byte 20 (record 1): header policy.manifest at /sha256: must match pattern"),
        "%s", msg);
  /* Another binary version: both named. */
  b[8] = 3;
  spit(bad, b, n);
  CHECK(replay(bad, so, msg, sizeof msg) == HW_ERR_INPUT && strstr(msg, "binary trace format version 3; this reader knows versions 1 and 2"), "%s", msg);
  free(b);
}

int main(void) {
  check_suite = "trace-manifest";
  dir = mkdtemp(tmpl);
  hw_policy_t *def = NULL;
  hw_policy_load_builtin("default", NULL, &def, NULL);
  snprintf(default_sha, sizeof default_sha, "%s", hw_policy_sha256(def));
  hw_policy_delete(def);
  /* Keys in file order unlike the schema's, and a description to escape: the record is canonical. */
  char file[600], path[512];
  snprintf(file, sizeof file,
           "{\"description\":\"for the \\\"camera\\\"\",\"maxAllocationBytes\":16777216,\"allowedHeaps\":[\"reserved\"],\"sha256\":\"%s\",\"version\":\"1.0.0\",\"name\":\"default\"}",
           default_sha);
  snprintf(manifest, sizeof manifest,
           "{\"name\":\"default\",\"version\":\"1.0.0\",\"sha256\":\"%s\",\"allowedHeaps\":[\"reserved\"],\"maxAllocationBytes\":16777216,\"description\":\"for the \\\"camera\\\"\"}",
           default_sha);
  in_dir(path, sizeof path, "heaps.manifest.json");
  spit(path, file, strlen(file));
  if (!copy_so("heaps") || !copy_so("bare")) return 1;
  RUN(recorded_in_header, "a recording under a manifest records it in the header, JSON Lines and binary alike");
  RUN(recorded_in_swap, "a swap records the manifest of the module it switches to; replay enforces it");
  RUN(enforced_without_file, "replay enforces the recorded manifest on the recorded module without its manifest file");
  RUN(version_1_replays, "a version 1 trace replays under the module's own manifest");
  RUN(bad_recorded_manifest, "a bad recorded manifest is bad input naming the field; other versions refused");
  return check_report_removing(dir);
}
