/* The engine: validation of module requests, the placement loop with ENOMEM fallback, deferred
 * placement, policy swap at runtime, CPU mappings, export, usage errors, the kernel shim. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"
#include "heapwise.h"
#include "heapwise_kernel.h"

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

static hw_engine_t *engine_for(const char *so, hw_platform_t *p) {
  hw_policy_t *pol = NULL;
  hw_engine_t *e = NULL;
  if (so) hw_policy_load_file(so, NULL, &pol, NULL);
  else hw_policy_load_builtin("default", NULL, &pol, NULL);
  if (pol) hw_engine_new(pol, p, NULL, &e, NULL);
  hw_policy_delete(pol); /* the engine keeps its own reference */
  return e;
}

static const char *GPU[] = {"gpu"};

/* Allocates with the scripted policy and expects a fault whose message contains `why`. */
static void expect_invalid(hw_engine_t *e, hw_buffer_id_t want_id, const char *why) {
  hw_alloc_request_t r = {4096, GPU, 1, HW_ACCESS_READ, 0, NULL, 0};
  hw_buffer_id_t id = 0;
  hw_status_t st = hw_engine_allocate(e, &r, &id);
  CHECK_STATUS(st, HW_ERR_POLICY_FAULT, hw_engine_last_error(e));
  CHECK(strstr(hw_engine_last_error(e), why), "buffer %u: %s", want_id, hw_engine_last_error(e));
  CHECK(strstr(hw_engine_last_error(e), "policy module " SO("scripted")), "names the module: %s", hw_engine_last_error(e));
  CHECK(id == 0, "nothing left behind");
}

static void validation(void) {
  hw_platform_t *p = system_only();
  hw_engine_t *e = engine_for(SO("scripted"), p);
  CHECK(e != NULL, "engine");
  expect_invalid(e, 1, "answered PLACE of buffer 1 with ALLOC(buf 1, heap 5, arg 524290, value 4096): unknown heap index (platform has 1)");
  if (check_case_failed) return;
  expect_invalid(e, 2, "size 8192 differs from the request's rounded size 4096");
  if (check_case_failed) return;
  expect_invalid(e, 3, "answered PLACE of buffer 3 with ALLOC(buf 99, heap 0, arg 524290, value 4096): not the buffer in question (3)");
  if (check_case_failed) return;
  expect_invalid(e, 4, "asked for 65 operations in one answer; the cap is 64");
  if (check_case_failed) return;
  /* A valid answer after four refusals: the lowest free fd is still 3 (nothing leaked). */
  hw_alloc_request_t r = {4096, GPU, 1, HW_ACCESS_READWRITE, 0, NULL, 0};
  hw_buffer_id_t id;
  CHECK(hw_engine_allocate(e, &r, &id) == HW_OK && id == 5, "buffer 5: %s", hw_engine_last_error(e));
  hw_buffer_info_t info;
  hw_engine_buffer_info(e, id, &info);
  CHECK(info.fd == 3 && info.placed && !strcmp(info.heap, "system"), "fd %d heap %s", info.fd, info.heap);
  /* Buffer 6: placed, then a SYNC with flags outside START/END x READ/WRITE. */
  CHECK(hw_engine_allocate(e, &r, &id) == HW_OK && id == 6, "buffer 6: %s", hw_engine_last_error(e));
  hw_status_t st = hw_engine_cpu_begin(e, 6, HW_ACCESS_READ);
  CHECK_STATUS(st, HW_ERR_POLICY_FAULT, hw_engine_last_error(e));
  CHECK(strstr(hw_engine_last_error(e), "answered CPU_BEGIN of buffer 6 with SYNC(buf 6, heap none, arg 8, value 0): sync flags 0x8 are not START/END with READ, WRITE or RW"),
        "%s", hw_engine_last_error(e));
  /* Any other buffer: FAIL with NO_HEAP_FITS. */
  st = hw_engine_allocate(e, &r, &id);
  CHECK_STATUS(st, HW_ERR_NO_FIT, hw_engine_last_error(e));
  CHECK(id == 7 && !strcmp(hw_decision_failure(hw_engine_decision(e, 7)), "no heap fits (NO_HEAP_FITS)"), "%s", hw_decision_failure(hw_engine_decision(e, 7)));
  hw_engine_delete(e);
  hw_platform_delete(p);
}

/* A 12 KiB CMA heap the GPU prefers: ENOMEM on the second buffer, fallback to system. */
static void enomem_fallback(void) {
  hw_platform_t *p = NULL;
  hw_platform_new("tiny-cma", &p, NULL);
  hw_heap_spec_t cma = {"reserved", 0, HW_DEFAULT, HW_DEFAULT, HW_DEFAULT, 32, 12288, 0};
  hw_heap_spec_t sys = {"system", 0, HW_DEFAULT, HW_DEFAULT, HW_DEFAULT, 0, 0, 0};
  hw_platform_add_heap(p, &cma, NULL);
  hw_platform_add_heap(p, &sys, NULL);
  const char *pref[] = {"reserved"};
  hw_device_spec_t gpu = {"gpu", 40, 1, 0, HW_DEFAULT, 0, 0, pref, 1};
  CHECK(hw_platform_add_device(p, &gpu, NULL) == HW_OK, "device");
  hw_engine_t *e = engine_for(NULL, p);
  hw_alloc_request_t r = {8192, GPU, 1, HW_ACCESS_NONE, 0, "gpu-buffer", 0};
  hw_buffer_id_t a, b;
  CHECK(hw_engine_allocate(e, &r, &a) == HW_OK, "%s", hw_engine_last_error(e));
  CHECK(!strcmp(hw_decision_heap(hw_engine_decision(e, a)), "reserved"), "first in reserved: %s", hw_decision_heap(hw_engine_decision(e, a)));
  CHECK(hw_engine_allocate(e, &r, &b) == HW_OK, "%s", hw_engine_last_error(e));
  const hw_decision_t *d = hw_engine_decision(e, b);
  CHECK(!strcmp(hw_decision_heap(d), "system"), "second falls back to system, got %s", hw_decision_heap(d));
  hw_attempt_t at;
  CHECK(hw_decision_attempt_count(d) == 1 && hw_decision_attempt(d, 0, &at) == HW_OK, "one failed attempt");
  CHECK(!strcmp(at.heap, "reserved") && at.errno_value == ENOMEM && !strcmp(at.code, "ENOMEM"), "attempt %s %d %s", at.heap, at.errno_value, at.code);
  CHECK(!strcmp(hw_decision_name(d), "gpu-buffer"), "name %s", hw_decision_name(d));
  /* After a free the CMA heap has room again. */
  CHECK(hw_engine_free(e, a) == HW_OK, "%s", hw_engine_last_error(e));
  CHECK(hw_engine_allocate(e, &r, &a) == HW_OK && !strcmp(hw_decision_heap(hw_engine_decision(e, a)), "reserved"), "reserved again");
  hw_buffer_info_t info;
  hw_engine_buffer_info(e, a, &info);
  CHECK(info.fd == 3, "lowest free fd 3 reused, got %d", info.fd);
  hw_engine_delete(e);
  hw_platform_delete(p);
}

static void deferred(void) {
  hw_platform_t *p = NULL;
  hw_error_t *err = NULL;
  CHECK(hw_platform_load_file(HW_ROOT "/examples/platforms/rock5b.json", &p, &err) == HW_OK, "%s", hw_error_message(err));
  hw_engine_t *e = engine_for(NULL, p);
  const char *vop[] = {"vop2"};
  hw_alloc_request_t r = {8294400, vop, 1, HW_ACCESS_NONE, 0, "ui", 1};
  hw_buffer_id_t id;
  CHECK(hw_engine_allocate(e, &r, &id) == HW_OK, "%s", hw_engine_last_error(e));
  hw_buffer_info_t info;
  hw_engine_buffer_info(e, id, &info);
  CHECK(!info.placed && hw_engine_decision(e, id) == NULL, "not placed before first use");
  CHECK(hw_engine_attach(e, id, "gpu") == HW_OK && hw_engine_attach(e, id, "rga2") == HW_OK, "%s", hw_engine_last_error(e));
  CHECK(hw_engine_device_begin(e, id, "rga2", HW_ACCESS_WRITE) == HW_OK, "%s", hw_engine_last_error(e));
  hw_engine_buffer_info(e, id, &info);
  CHECK(info.placed && !strcmp(info.heap, "system-uncached-dma32"), "placed from every attachment: %s", info.heap);
  const hw_decision_t *d = hw_engine_decision(e, id);
  int rga2_rejected = 0;
  for (size_t i = 0; i < hw_decision_rejected_count(d); i++) {
    hw_rejection_t rj;
    hw_decision_rejected(d, i, &rj);
    if (rj.device && !strcmp(rj.device, "rga2") && !strcmp(rj.code, "DMA_MASK") && strstr(rj.reason, "device rga2 has no IOMMU and a 32-bit DMA mask")) rga2_rejected = 1;
  }
  CHECK(rga2_rejected, "a heap is rejected because of rga2's 32-bit DMA mask");
  CHECK(hw_engine_free(e, id) == HW_ERR_USAGE && strstr(hw_engine_last_error(e), "still being accessed"), "%s", hw_engine_last_error(e));
  hw_engine_device_end(e, id, "rga2");
  CHECK(hw_engine_free(e, id) == HW_OK, "%s", hw_engine_last_error(e));
  hw_engine_delete(e);
  hw_platform_delete(p);
}

/* A decision's sentences are written on its first read: read late (after more placements, a
 * buffer freed and a policy swap), it says what the same decision says read at once. */
static void decision_read_late(void) {
  hw_platform_t *p = NULL;
  hw_error_t *err = NULL;
  CHECK(hw_platform_load_file(HW_ROOT "/examples/platforms/rock5b.json", &p, &err) == HW_OK, "%s", hw_error_message(err));
  hw_engine_t *now = engine_for(NULL, p), *late = engine_for(NULL, p);
  const char *devs[] = {"vop2", "rga2"};
  hw_alloc_request_t r = {8294400, devs, 2, HW_ACCESS_READ, 0, "ui", 0};
  hw_buffer_id_t a, b, c;
  char *at_once = NULL, *read_late = NULL;
  CHECK(hw_engine_allocate(now, &r, &a) == HW_OK && hw_decision_to_json(hw_engine_decision(now, a), &at_once) == HW_OK, "%s", hw_engine_last_error(now));
  CHECK(hw_engine_allocate(late, &r, &a) == HW_OK, "%s", hw_engine_last_error(late));
  hw_alloc_request_t other = {4096, devs, 1, HW_ACCESS_WRITE, 0, "other", 0};
  CHECK(hw_engine_allocate(late, &other, &b) == HW_OK && hw_engine_allocate(late, &other, &c) == HW_OK && hw_engine_free(late, b) == HW_OK, "%s", hw_engine_last_error(late));
  hw_policy_t *naive = NULL;
  CHECK(hw_policy_load_file(SO("naive"), NULL, &naive, NULL) == HW_OK && hw_engine_set_policy(late, naive) == HW_OK, "swap to naive");
  hw_policy_delete(naive);
  const hw_decision_t *d = hw_engine_decision(late, a);
  CHECK(hw_decision_rejected_count(d) > 0 && hw_decision_ranking_count(d) > 0, "rejections and ranking");
  CHECK(hw_decision_to_json(d, &read_late) == HW_OK && !strcmp(at_once, read_late), "read at once:\n%s\nread late:\n%s", at_once, read_late);
  free(at_once);
  free(read_late);
  hw_engine_delete(now);
  hw_engine_delete(late);
  hw_platform_delete(p);
}

static void swap_policy(void) {
  hw_platform_t *p = system_only();
  hw_engine_t *e = engine_for(NULL, p);
  hw_alloc_request_t r = {100000, GPU, 1, HW_ACCESS_WRITE, 0, NULL, 0};
  hw_buffer_id_t a, b;
  CHECK(hw_engine_allocate(e, &r, &a) == HW_OK, "%s", hw_engine_last_error(e));
  hw_policy_t *naive = NULL;
  CHECK(hw_policy_load_file(SO("naive"), NULL, &naive, NULL) == HW_OK, "naive.so");
  CHECK(hw_engine_set_policy(e, naive) == HW_OK, "%s", hw_engine_last_error(e));
  hw_policy_delete(naive);
  CHECK(hw_engine_allocate(e, &r, &b) == HW_OK, "%s", hw_engine_last_error(e));
  char *ja = NULL, *jb = NULL;
  hw_decision_to_json(hw_engine_decision(e, a), &ja);
  hw_decision_to_json(hw_engine_decision(e, b), &jb);
  CHECK(strstr(ja, "\"name\": \"default\"") && strstr(jb, "\"name\": \"naive\""), "decisions name their policy:\n%s\n%s", ja, jb);
  free(ja);
  free(jb);
  /* The first buffer goes on under the new module (its BufferState travels with it). */
  CHECK(hw_engine_cpu_access(e, a, HW_ACCESS_WRITE) == HW_OK, "%s", hw_engine_last_error(e));
  CHECK(!strcmp(hw_policy_name(hw_engine_policy(e)), "naive"), "engine reports the new policy");
  /* A refused swap keeps the old module. */
  hw_policy_t *bad = NULL;
  CHECK(hw_policy_load_file(SO("wrong-abi"), NULL, &bad, NULL) != HW_OK && bad == NULL, "wrong-abi refused");
  hw_engine_delete(e);
  hw_platform_delete(p);
}

/* Answer lines as the Node host wrote them for the same calls (a20 software rendering). */
static void sync_planning(void) {
  hw_platform_t *p = NULL;
  CHECK(hw_platform_load_file(HW_ROOT "/examples/platforms/a20-olinuxino-lime2.json", &p, NULL) == HW_OK, "platform");
  hw_engine_t *e = engine_for(NULL, p);
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  CHECK(hw_engine_trace_start(e, f, NULL) == HW_OK, "%s", hw_engine_last_error(e));
  const char *debe[] = {"de-be"};
  hw_alloc_request_t r = {3686400, debe, 1, HW_ACCESS_WRITE, 0, "a20-fb0", 0};
  hw_buffer_id_t id;
  CHECK(hw_engine_allocate(e, &r, &id) == HW_OK, "%s", hw_engine_last_error(e));
  hw_engine_cpu_access(e, id, HW_ACCESS_WRITE);
  hw_engine_cpu_access(e, id, HW_ACCESS_WRITE);
  hw_engine_device_begin(e, id, "de-be", HW_ACCESS_READ);
  hw_engine_device_end(e, id, "de-be");
  CHECK(hw_engine_trace_finish(e) == HW_OK, "%s", hw_engine_last_error(e));
  fclose(f);
  static const char *const node[] = {
      "{\"t\":\"answer\",\"i\":1,\"ops\":[{\"kind\":\"SYNC\",\"buf\":1,\"heap\":0,\"arg\":2,\"value\":\"0\"}],\"explain\":[[2,4,96,0,-1,2]],\"state\":\"0102010101000000000000000000000000000000000000000000000000000000\"}",
      "{\"t\":\"answer\",\"i\":2,\"ops\":[],\"explain\":[[2,5,98,0,-1,6]],\"state\":\"0102000102000000000000000000000000000000000000000000000000000000\"}",
      "{\"t\":\"answer\",\"i\":3,\"ops\":[],\"explain\":[[2,5,102,0,-1,2]],\"state\":\"0102010103000000000000000000000000000000000000000000000000000000\"}",
      "{\"t\":\"answer\",\"i\":4,\"ops\":[],\"explain\":[[2,5,98,0,-1,6]],\"state\":\"0102000104000000000000000000000000000000000000000000000000000000\"}",
      "{\"t\":\"answer\",\"i\":5,\"ops\":[{\"kind\":\"SYNC\",\"buf\":1,\"heap\":0,\"arg\":6,\"value\":\"0\"}],\"explain\":[[2,4,98,0,0,6]],\"state\":\"0100000005000000010000000000000000000000000000000000000000000000\"}",
      "{\"t\":\"answer\",\"i\":6,\"ops\":[],\"explain\":[],\"state\":\"0100000006000000000000000000000000000000000000000000000000000000\"}",
  };
  for (size_t i = 0; i < sizeof node / sizeof node[0]; i++) CHECK(strstr(text, node[i]), "missing Node's line %s\nin:\n%s", node[i], text);
  free(text);
  hw_engine_delete(e);
  hw_platform_delete(p);
}

static void cpu_mapping_and_export(void) {
  hw_platform_t *p = system_only();
  hw_engine_t *e = engine_for(NULL, p);
  hw_alloc_request_t r = {64 * 64 * 4, GPU, 1, HW_ACCESS_READWRITE, 0, "cursor", 0};
  hw_buffer_id_t id;
  CHECK(hw_engine_allocate(e, &r, &id) == HW_OK, "%s", hw_engine_last_error(e));
  void *px;
  size_t n;
  CHECK(hw_engine_cpu_map(e, id, &px, &n) == HW_ERR_USAGE, "mapping outside a CPU access is refused");
  CHECK(hw_engine_cpu_begin(e, id, HW_ACCESS_WRITE) == HW_OK && hw_engine_cpu_map(e, id, &px, &n) == HW_OK, "%s", hw_engine_last_error(e));
  CHECK(n == 16384, "mapping of %zu bytes", n);
  memset(px, 0xab, n);
  CHECK(hw_engine_cpu_end(e, id) == HW_OK, "%s", hw_engine_last_error(e));
  CHECK(hw_engine_cpu_begin(e, id, HW_ACCESS_READ) == HW_OK && hw_engine_cpu_map(e, id, &px, &n) == HW_OK, "%s", hw_engine_last_error(e));
  CHECK(((unsigned char *)px)[n - 1] == 0xab, "contents persist");
  hw_engine_cpu_end(e, id);
  int fd = 7;
  CHECK(hw_engine_export(e, id, &fd) == HW_OK && fd == -1, "the model has no kernel object to hand out: %d", fd);
  hw_buffer_info_t info;
  hw_engine_buffer_info(e, id, &info);
  CHECK(info.exported, "exported");
  hw_engine_delete(e);
  hw_platform_delete(p);
}

static void usage_errors(void) {
  hw_platform_t *p = system_only();
  hw_engine_t *e = engine_for(NULL, p);
  const char *cam[] = {"camera"};
  hw_alloc_request_t r = {4096, cam, 1, HW_ACCESS_NONE, 0, NULL, 0};
  hw_buffer_id_t id;
  CHECK(hw_engine_allocate(e, &r, &id) == HW_ERR_USAGE && !strcmp(hw_engine_last_error(e), "unknown device \"camera\" (platform system-only has gpu)"), "%s", hw_engine_last_error(e));
  r.devices = GPU;
  r.name = "a name that is longer than thirty-one bytes";
  CHECK(hw_engine_allocate(e, &r, &id) == HW_ERR_USAGE && strstr(hw_engine_last_error(e), "is longer than 31 bytes"), "%s", hw_engine_last_error(e));
  r.name = NULL;
  r.size = 0;
  CHECK(hw_engine_allocate(e, &r, &id) == HW_ERR_USAGE, "size 0");
  r.size = 4096;
  CHECK(hw_engine_allocate(e, &r, &id) == HW_OK, "%s", hw_engine_last_error(e));
  CHECK(hw_engine_cpu_begin(e, id, HW_ACCESS_READ) == HW_OK, "%s", hw_engine_last_error(e));
  CHECK(hw_engine_cpu_begin(e, id, HW_ACCESS_READ) == HW_ERR_USAGE && strstr(hw_engine_last_error(e), "the CPU already accesses buffer 1"), "%s", hw_engine_last_error(e));
  hw_engine_cpu_end(e, id);
  CHECK(hw_engine_free(e, id) == HW_OK, "%s", hw_engine_last_error(e));
  CHECK(hw_engine_free(e, id) == HW_ERR_USAGE && !strcmp(hw_engine_last_error(e), "buffer 1 was freed"), "%s", hw_engine_last_error(e));
  CHECK(hw_engine_attach(e, 42, "gpu") == HW_ERR_USAGE && !strcmp(hw_engine_last_error(e), "unknown buffer 42"), "%s", hw_engine_last_error(e));
  /* Messages name the buffer with its name: the label is only formatted on these error paths. */
  r.name = "cam0";
  CHECK(hw_engine_allocate(e, &r, &id) == HW_OK, "%s", hw_engine_last_error(e));
  void *addr;
  size_t len;
  CHECK(hw_engine_cpu_map(e, id, &addr, &len) == HW_ERR_USAGE && !strcmp(hw_engine_last_error(e), "map buffer 2 (cam0) between hw_engine_cpu_begin and hw_engine_cpu_end"), "%s", hw_engine_last_error(e));
  CHECK(hw_engine_device_begin(e, id, "gpu", HW_ACCESS_READ) == HW_OK, "%s", hw_engine_last_error(e));
  CHECK(hw_engine_device_begin(e, id, "gpu", HW_ACCESS_READ) == HW_ERR_USAGE && !strcmp(hw_engine_last_error(e), "device gpu already accesses buffer 2 (cam0)"), "%s", hw_engine_last_error(e));
  CHECK(hw_engine_free(e, id) == HW_ERR_USAGE && !strcmp(hw_engine_last_error(e), "buffer 2 (cam0) is still being accessed; end the access before free"), "%s", hw_engine_last_error(e));
  CHECK(hw_engine_device_end(e, id, "gpu") == HW_OK && hw_engine_free(e, id) == HW_OK, "%s", hw_engine_last_error(e));
  hw_engine_delete(e);
  hw_platform_delete(p);
}

/* No /dev/dma_heap here: the kernel backend fails cleanly, names the heap, leaks nothing. */
static void kernel_backend_without_heaps(void) {
  if (access("/dev/dma_heap/system", F_OK) == 0) return; /* a real kernel: covered by the VM suite */
  hw_platform_t *p = system_only();
  hw_policy_t *pol = NULL;
  hw_policy_load_builtin("default", NULL, &pol, NULL);
  hw_engine_options_t o = {.backend = HW_BACKEND_KERNEL};
  hw_engine_t *e = NULL;
  int fds = check_open_fds();
  CHECK(hw_engine_new(pol, p, &o, &e, NULL) == HW_OK, "engine");
  hw_alloc_request_t r = {4096, GPU, 1, HW_ACCESS_NONE, 0, NULL, 0};
  hw_buffer_id_t id;
  hw_status_t st = hw_engine_allocate(e, &r, &id);
  CHECK_STATUS(st, HW_ERR_NO_FIT, hw_engine_last_error(e));
  hw_attempt_t at;
  CHECK(hw_decision_attempt(hw_engine_decision(e, id), 0, &at) == HW_OK && !strcmp(at.heap, "system") && !strcmp(at.code, "ENOENT"), "attempt %s %s", at.heap, at.code);
  hw_engine_delete(e);
  hw_policy_delete(pol);
  hw_platform_delete(p);
  CHECK(check_open_fds() == fds, "fds %d -> %d", fds, check_open_fds());
}

static void kernel_shim(void) {
  CHECK(hw_kernel_open_heap("../../etc/passwd") == -EINVAL, "path names refused");
  int h = hw_kernel_open_heap("system");
  CHECK(h >= 0 || h == -ENOENT || h == -EACCES, "open_heap returns an fd or -errno: %d", h);
  if (h >= 0) hw_kernel_close(h);
  CHECK(hw_kernel_close(-1) == -EBADF, "close(-1)");
  /* A memfd stands in for a dma-buf for the mapping and pattern part. */
  int fd = memfd_create("shim", MFD_CLOEXEC);
  CHECK(fd >= 0 && ftruncate(fd, 8192) == 0, "memfd");
  CHECK(hw_kernel_cpu_access(fd, 8192, 1, 0) == 0, "a fresh buffer reads as zeros");
  CHECK(hw_kernel_cpu_access(fd, 8192, 2, 77) == 0, "write stamp 77");
  CHECK(hw_kernel_cpu_access(fd, 8192, 1, 77) == 0, "verify stamp 77");
  CHECK(hw_kernel_cpu_access(fd, 8192, 1, 78) == -EBADMSG, "another stamp does not verify");
  CHECK(hw_kernel_sync(fd, 0) == -ENOTTY, "DMA_BUF_IOCTL_SYNC on a memfd: %d", hw_kernel_sync(fd, 0));
  CHECK(hw_kernel_set_name(fd, "x") == -ENOTTY, "SET_NAME on a memfd");
  CHECK(hw_kernel_close(fd) == 0, "close");
  int u = hw_kernel_udmabuf_alloc(4096);
  CHECK(u >= 0 || u == -ENOENT || u == -EACCES, "udmabuf returns an fd or -errno: %d", u);
  if (u >= 0) hw_kernel_close(u);
}

/* A fault switches to the fallback policy, which answers the event again; the trace shows the
 * fault, a swap line and the new event, and replays identically. */
static void fallback_on_fault(void) {
  hw_platform_t *p = system_only();
  hw_policy_t *scripted = NULL, *def = NULL;
  CHECK(hw_policy_load_file(SO("scripted"), NULL, &scripted, NULL) == HW_OK, "scripted.so");
  hw_policy_load_builtin("default", NULL, &def, NULL);
  hw_engine_options_t o = {.fallback = def};
  hw_engine_t *e = NULL;
  CHECK(hw_engine_new(scripted, p, &o, &e, NULL) == HW_OK, "engine");
  char path[] = "/tmp/heapwise-fallback-XXXXXX";
  int fd = mkstemp(path);
  FILE *f = fdopen(fd, "w");
  CHECK(hw_engine_trace_start(e, f, NULL) == HW_OK, "%s", hw_engine_last_error(e));
  hw_alloc_request_t r = {4096, GPU, 1, HW_ACCESS_READ, 0, NULL, 0};
  hw_buffer_id_t id;
  CHECK(hw_engine_allocate(e, &r, &id) == HW_OK, "the fallback places buffer 1: %s", hw_engine_last_error(e));
  CHECK(!strcmp(hw_policy_name(hw_engine_policy(e)), "default"), "now on %s", hw_policy_name(hw_engine_policy(e)));
  CHECK(hw_engine_set_policy(e, scripted) == HW_OK, "%s", hw_engine_last_error(e));
  hw_engine_free_all(e);
  CHECK(hw_engine_trace_finish(e) == HW_OK, "%s", hw_engine_last_error(e));
  fclose(f);
  char text[8192] = "";
  f = fopen(path, "r");
  size_t n = fread(text, 1, sizeof text - 1, f);
  text[n] = 0;
  fclose(f);
  CHECK(strstr(text, "{\"t\":\"fault\",\"i\":0,\"kind\":\"invalid-op\""), "fault line:\n%s", text);
  CHECK(strstr(text, "{\"t\":\"swap\",\"i\":1,\"reason\":\"fault\",\"policy\":{\"name\":\"default\""), "swap line:\n%s", text);
  CHECK(strstr(text, "{\"t\":\"swap\",\"i\":2,\"reason\":\"explicit\",\"policy\":{\"name\":\"scripted\""), "explicit swap:\n%s", text);
  CHECK(strstr(text, "{\"t\":\"event\",\"i\":1,\"n\":0,\"kind\":\"PLACE\""), "the event asked again:\n%s", text);
  hw_replay_result_t rr;
  hw_error_t *err = NULL;
  CHECK(hw_replay_file(path, scripted, &rr, &err) == HW_OK, "replay follows the swaps: %s", hw_error_message(err));
  unlink(path);
  hw_engine_delete(e);
  hw_policy_delete(scripted);
  hw_policy_delete(def);
  hw_platform_delete(p);
}

int main(void) {
  check_suite = "engine";
  RUN(fallback_on_fault, "a fault switches to the fallback policy (swap lines, replay follows)");
  RUN(decision_read_late, "a decision read late (sentences written on first read) says what it says read at once");
  RUN(validation, "validation failures (unknown heap, wrong size, other buffer, too many ops, bad sync)");
  RUN(enomem_fallback, "placement loop with ENOMEM fallback on a small CMA heap");
  RUN(deferred, "deferred placement from every attached device");
  RUN(swap_policy, "swap the policy .so at runtime between two allocations");
  RUN(sync_planning, "sync planning equals the Node host's answers");
  RUN(cpu_mapping_and_export, "CPU mapping through cpu begin/end, export");
  RUN(usage_errors, "usage errors name the buffer and device");
  RUN(kernel_backend_without_heaps, "kernel backend without /dev/dma_heap fails cleanly, no fd leak");
  RUN(kernel_shim, "kernel shim: -errno results, pattern write/verify");
  return check_report();
}
