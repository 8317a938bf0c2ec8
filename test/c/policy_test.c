/* Loading policies: the built-in, .so images, two images at once, and every refusal and fault
 * the loader and the trap guard must turn into a clear error (never a crash). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "heapwise.h"

#define SO(name) HW_BUILD_DIR "/policies/" name ".so"

static hw_platform_t *system_only(void) {
  hw_platform_t *p = NULL;
  hw_platform_new("system-only", &p, NULL);
  hw_heap_spec_t h = {"system", 0, HW_DEFAULT, HW_DEFAULT, HW_DEFAULT, 0, 0, 0};
  hw_platform_add_heap(p, &h, NULL);
  hw_device_spec_t d = {"gpu", 40, 1, 0, HW_DEFAULT, 0, 0, NULL, 0};
  hw_platform_add_device(p, &d, NULL);
  return p;
}

/* Loads a .so expecting a refusal whose message contains every needle. */
static const char *refusal(const char *path, hw_status_t *st_out) {
  static char msg[1024];
  hw_policy_t *p = NULL;
  hw_error_t *err = NULL;
  *st_out = hw_policy_load_file(path, NULL, &p, &err);
  snprintf(msg, sizeof msg, "%s", hw_error_message(err));
  hw_error_delete(err);
  hw_policy_delete(p);
  return msg;
}

static void builtin_default(void) {
  hw_policy_t *p = NULL;
  hw_error_t *err = NULL;
  hw_status_t st = hw_policy_load_builtin("default", NULL, &p, &err);
  CHECK_STATUS(st, HW_OK, hw_error_message(err));
  CHECK(!strcmp(hw_policy_name(p), "default"), "name %s", hw_policy_name(p));
  CHECK(strlen(hw_policy_sha256(p)) == 64, "sha256 %s", hw_policy_sha256(p));
  CHECK(hw_policy_abi(p) >> 16 == HW_ABI_MAJOR, "abi %x", hw_policy_abi(p));
  CHECK(hw_policy_path(p) == NULL, "a built-in has no path");
  hw_policy_delete(p);
  st = hw_policy_load_builtin("nope", NULL, &p, &err);
  CHECK_STATUS(st, HW_ERR_ARGUMENT, "unknown built-in");
  CHECK(strstr(hw_error_message(err), "no built-in policy \"nope\""), "%s", hw_error_message(err));
  hw_error_delete(err);
}

static void so_same_identity(void) {
  hw_policy_t *b = NULL, *s = NULL;
  hw_error_t *err = NULL;
  hw_policy_load_builtin("default", NULL, &b, NULL);
  hw_status_t st = hw_policy_load_file(SO("default"), NULL, &s, &err);
  CHECK_STATUS(st, HW_OK, hw_error_message(err));
  CHECK(!strcmp(hw_policy_sha256(b), hw_policy_sha256(s)), "built-in %s vs .so %s", hw_policy_sha256(b), hw_policy_sha256(s));
  CHECK(!strcmp(hw_policy_version(b), hw_policy_version(s)), "versions differ");
  CHECK(!strcmp(hw_policy_path(s), SO("default")), "path %s", hw_policy_path(s));
  hw_policy_delete(b);
  hw_policy_delete(s);
}

static void two_images_at_once(void) {
  hw_policy_t *a = NULL, *b = NULL, *c = NULL;
  CHECK(hw_policy_load_file(SO("default"), NULL, &a, NULL) == HW_OK, "default.so");
  CHECK(hw_policy_load_file(SO("naive"), NULL, &b, NULL) == HW_OK, "naive.so");
  CHECK(hw_policy_load_file(SO("scripted"), NULL, &c, NULL) == HW_OK, "scripted.so");
  hw_platform_t *p = system_only();
  hw_engine_t *ea = NULL, *eb = NULL, *ec = NULL;
  CHECK(hw_engine_new(a, p, NULL, &ea, NULL) == HW_OK && hw_engine_new(b, p, NULL, &eb, NULL) == HW_OK && hw_engine_new(c, p, NULL, &ec, NULL) == HW_OK, "engines");
  const char *devs[] = {"gpu"};
  hw_alloc_request_t r = {4096, devs, 1, HW_ACCESS_READ, 0, NULL, 0};
  hw_buffer_id_t ia, ib, ic;
  /* Interleaved: each image keeps its own runtime state. */
  for (int i = 0; i < 5; i++) {
    CHECK(hw_engine_allocate(ea, &r, &ia) == HW_OK, "%s", hw_engine_last_error(ea));
    CHECK(hw_engine_allocate(eb, &r, &ib) == HW_OK, "%s", hw_engine_last_error(eb));
    hw_engine_allocate(ec, &r, &ic); /* scripted: answers by buffer id */
  }
  CHECK(!strcmp(hw_policy_name(hw_engine_policy(ea)), "default") && !strcmp(hw_policy_name(hw_engine_policy(eb)), "naive"), "names");
  hw_buffer_info_t info;
  CHECK(hw_engine_buffer_info(ec, 5, &info) == HW_OK && info.placed, "scripted buffer 5 placed: %s", hw_engine_last_error(ec));
  hw_engine_delete(ea);
  hw_engine_delete(eb);
  hw_engine_delete(ec);
  hw_platform_delete(p);
  hw_policy_delete(a);
  hw_policy_delete(b);
  hw_policy_delete(c);
}

static void wrong_abi(void) {
  hw_status_t st;
  const char *m = refusal(SO("wrong-abi"), &st);
  CHECK_STATUS(st, HW_ERR_POLICY_REFUSED, m);
  CHECK(strstr(m, "speaks policy ABI 2.0; this host speaks ABI 1.0"), "%s", m);
  CHECK(strstr(m, SO("wrong-abi")), "names the file: %s", m);
}

static void forbidden_import(void) {
  hw_status_t st;
  const char *m = refusal(SO("forbidden-import"), &st);
  CHECK_STATUS(st, HW_ERR_POLICY_REFUSED, m);
  CHECK(strstr(m, "forbidden import env.seed (function); a policy may import only env.abort"), "%s", m);
}

static void memory_limits(void) {
  hw_status_t st;
  const char *m = refusal(SO("no-maximum"), &st);
  CHECK_STATUS(st, HW_ERR_POLICY_REFUSED, m);
  CHECK(strstr(m, "memory declares no maximum"), "%s", m);
  hw_policy_options_t small = {.memory_cap_bytes = 512 * 1024};
  hw_policy_t *p = NULL;
  hw_error_t *err = NULL;
  st = hw_policy_load_builtin("default", &small, &p, &err);
  CHECK_STATUS(st, HW_ERR_POLICY_REFUSED, hw_error_message(err));
  CHECK(strstr(hw_error_message(err), "exceeds the host cap of 524288 bytes"), "%s", hw_error_message(err));
  hw_error_delete(err);
}

static void regions_in_bounds(void) {
  hw_status_t st;
  const char *m = refusal(SO("output-outside"), &st);
  CHECK_STATUS(st, HW_ERR_POLICY_REFUSED, m);
  CHECK(strstr(m, "hw_output() region [255000, 271384) is outside memory (262144 bytes)"), "%s", m);
}

static void not_a_policy(void) {
  hw_status_t st;
  const char *m = refusal(HW_BUILD_DIR "/libheapwise.so", &st);
  CHECK_STATUS(st, HW_ERR_POLICY_REFUSED, m);
  CHECK(strstr(m, "no heapwise_policy_v1 symbol"), "%s", m);
  m = refusal(HW_ROOT "/test/c/fixtures/trap.wat", &st);
  CHECK_STATUS(st, HW_ERR_POLICY_REFUSED, m);
  CHECK(strstr(m, "cannot load the shared object"), "%s", m);
  m = refusal("/nonexistent/x.so", &st);
  CHECK(strstr(m, "/nonexistent/x.so"), "%s", m);
}

/* A trap inside hw_event becomes an error naming the module; the host goes on. */
static void trap_caught(void) {
  hw_policy_t *pol = NULL;
  CHECK(hw_policy_load_file(SO("trap"), NULL, &pol, NULL) == HW_OK, "trap.so loads");
  hw_platform_t *p = system_only();
  hw_engine_t *e = NULL;
  CHECK(hw_engine_new(pol, p, NULL, &e, NULL) == HW_OK, "engine");
  const char *devs[] = {"gpu"};
  hw_alloc_request_t r = {4096, devs, 1, HW_ACCESS_READ, 0, NULL, 0};
  hw_buffer_id_t id = 0;
  hw_engine_allocate(e, &r, &id); /* buffer 1: invalid op */
  int fds = check_open_fds();
  hw_status_t st = hw_engine_allocate(e, &r, &id); /* buffer 2: unreachable */
  CHECK_STATUS(st, HW_ERR_POLICY_FAULT, hw_engine_last_error(e));
  CHECK(strstr(hw_engine_last_error(e), "policy module " SO("trap") ": hw_event trapped: unreachable"), "%s", hw_engine_last_error(e));
  CHECK(id == 0, "no buffer is left behind after a fault while placing");
  st = hw_engine_allocate(e, &r, &id);
  CHECK_STATUS(st, HW_ERR_POLICY_FAULT, "a trapped instance stays unusable");
  CHECK(strstr(hw_engine_last_error(e), "instance unusable after an earlier fault (unreachable)"), "%s", hw_engine_last_error(e));
  /* Swapping in a fresh instance recovers. */
  CHECK(hw_engine_set_policy(e, pol) == HW_OK, "%s", hw_engine_last_error(e));
  hw_engine_allocate(e, &r, &id);
  CHECK(hw_engine_allocate(e, &r, &id) == HW_OK && id == 5, "buffer 5 places after the swap: %s", hw_engine_last_error(e));
  CHECK(check_open_fds() == fds, "fds %d -> %d", fds, check_open_fds());
  hw_engine_delete(e);
  hw_platform_delete(p);
  hw_policy_delete(pol);
}

static void abort_message(void) {
  hw_policy_t *pol = NULL;
  CHECK(hw_policy_load_file(SO("abort"), NULL, &pol, NULL) == HW_OK, "abort.so loads");
  hw_platform_t *p = system_only();
  hw_engine_t *e = NULL;
  CHECK(hw_engine_new(pol, p, NULL, &e, NULL) == HW_OK, "engine");
  const char *devs[] = {"gpu"};
  hw_alloc_request_t r = {4096, devs, 1, HW_ACCESS_READ, 0, NULL, 0};
  hw_buffer_id_t id;
  hw_engine_allocate(e, &r, &id);
  hw_status_t st = hw_engine_allocate(e, &r, &id);
  CHECK_STATUS(st, HW_ERR_POLICY_FAULT, hw_engine_last_error(e));
  CHECK(strstr(hw_engine_last_error(e), "hw_event aborted: abort: b\xc3\x83om! at policy.:7:3"), "%s", hw_engine_last_error(e));
  hw_engine_delete(e);
  hw_platform_delete(p);
  hw_policy_delete(pol);
}

/* The loader hashes the embedded module itself (libheapwise's own SHA-256, hidden in the
 * shared library, reachable from this static link). */
void hw_sha256_hex(const uint8_t *data, size_t len, char hex[65]);

static void sha256_vectors(void) {
  static const struct { size_t len; char c; const char *hex; } v[] = {
      {0, 'a', "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {55, 'a', "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
      {56, 'a', "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
      {64, 'a', "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
      {1000000, 'a', "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
  };
  char hex[65];
  hw_sha256_hex((const uint8_t *)"abc", 3, hex);
  CHECK(!strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), "abc: %s", hex);
  uint8_t *buf = malloc(1000000);
  memset(buf, 'a', 1000000);
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    hw_sha256_hex(buf, v[i].len, hex);
    CHECK(!strcmp(hex, v[i].hex), "%zu x a: %s", v[i].len, hex);
  }
  free(buf);
  /* And the built-in's identity hash is that of policies/default/build/default.wasm. */
  FILE *f = fopen(HW_ROOT "/policies/default/build/default.wasm", "rb");
  CHECK(f, "default.wasm");
  uint8_t *wasm = malloc(1 << 22);
  size_t n = fread(wasm, 1, 1 << 22, f);
  fclose(f);
  hw_sha256_hex(wasm, n, hex);
  free(wasm);
  hw_policy_t *p = NULL;
  hw_policy_load_builtin("default", NULL, &p, NULL);
  CHECK(!strcmp(hex, hw_policy_sha256(p)), "%s vs %s", hex, hw_policy_sha256(p));
  hw_policy_delete(p);
}

/* An image whose recorded hash is not the one of the module it embeds was not built by heapwise
 * compile, or was altered afterwards. */
static void tampered_image(void) {
  hw_status_t st;
  const char *m = refusal(SO("tampered"), &st);
  CHECK_STATUS(st, HW_ERR_POLICY_REFUSED, m);
  CHECK(strstr(m, ", the image records 0000000000000000000000000000000000000000000000000000000000000000: damaged, or not built by heapwise compile"), "%s", m);
}

int main(void) {
  check_suite = "policy";
  RUN(builtin_default, "load the built-in default");
  RUN(so_same_identity, "load a policy .so (same identity as the built-in)");
  RUN(two_images_at_once, "three .so images loaded and used at once");
  RUN(wrong_abi, "refuse a wrong-ABI .so naming both versions");
  RUN(forbidden_import, "refuse a forbidden import");
  RUN(memory_limits, "refuse a memory without maximum or above the cap");
  RUN(regions_in_bounds, "refuse regions outside memory");
  RUN(not_a_policy, "refuse files that are not policy images");
  RUN(trap_caught, "a trapping module is caught without crashing");
  RUN(sha256_vectors, "SHA-256 test vectors; the built-in's hash is its .wasm's");
  RUN(tampered_image, "refuse an image whose embedded module has another hash than it records");
  RUN(abort_message, "env.abort becomes an error with message and location");
  return check_report();
}
