/* A compositor's buffer path on heapwise:
 *  - two scanout buffers for the display and the GPU, placed deferred: the GPU attaches after
 *    allocation and placement waits for the first use, so both devices' constraints count;
 *  - client buffers the GPU samples;
 *  - a cursor the CPU draws through the mapping (cpu begin / map / end);
 *  - frames handed to the display (device begin / end), one client buffer exported (the
 *    duplicate fd is the client's to close), everything freed.
 * Runs on the model backend by default; `--backend kernel` allocates from /dev/dma_heap/system
 * (and checks /proc/self/fd before and after: no fd may leak). `--platform FILE` replaces the
 * built-in description. Exit 0 on success. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <heapwise.h>

static int open_fds(void) {
  DIR *d = opendir("/proc/self/fd");
  int n = 0;
  if (!d) return -1;
  while (readdir(d)) n++;
  closedir(d);
  return n;
}

#define TRY(engine, call)                                                            \
  do {                                                                               \
    if ((call) != HW_OK) {                                                           \
      fprintf(stderr, "compositor: %s: %s\n", #call, hw_engine_last_error(engine)); \
      return 1;                                                                      \
    }                                                                                \
  } while (0)

/* The built-in description: the system heap, a display engine and a GPU, both behind IOMMUs. */
static hw_status_t describe(hw_platform_t **out, hw_error_t **err) {
  hw_heap_spec_t sys = {.name = "system", .contiguous = HW_DEFAULT, .cached = HW_DEFAULT, .cpu_access = HW_DEFAULT};
  hw_device_spec_t display = {.name = "display", .dma_mask_bits = 32, .iommu = 1, .coherent = 0, .contiguous = HW_DEFAULT};
  hw_device_spec_t gpu = {.name = "gpu", .dma_mask_bits = 40, .iommu = 1, .coherent = 0, .contiguous = HW_DEFAULT, .alignment = 65536};
  hw_status_t st = hw_platform_new("compositor-example", out, err);
  if (st == HW_OK) st = hw_platform_add_heap(*out, &sys, err);
  if (st == HW_OK) st = hw_platform_add_device(*out, &display, err);
  if (st == HW_OK) st = hw_platform_add_device(*out, &gpu, err);
  return st;
}

static int run(hw_engine_t *e) {
  enum { W = 1280, H = 720, CURSOR = 64 };
  const char *display_only[] = {"display"}, *gpu_only[] = {"gpu"};
  hw_buffer_id_t scanout[2], client[3], cursor;

  /* Scanout: allocated for the display, placed once the GPU has attached too. */
  for (int i = 0; i < 2; i++) {
    char name[32];
    snprintf(name, sizeof name, "scanout-%d", i);
    hw_alloc_request_t r = {.size = (uint64_t)W * H * 4, .devices = display_only, .device_count = 1, .name = name, .deferred = 1};
    TRY(e, hw_engine_allocate(e, &r, &scanout[i]));
    TRY(e, hw_engine_attach(e, scanout[i], "gpu"));
  }
  for (int i = 0; i < 3; i++) {
    char name[32];
    snprintf(name, sizeof name, "client-%d", i);
    hw_alloc_request_t r = {.size = 640 * 480 * 4, .devices = gpu_only, .device_count = 1, .cpu = HW_ACCESS_WRITE, .name = name};
    TRY(e, hw_engine_allocate(e, &r, &client[i]));
  }
  hw_alloc_request_t cr = {.size = CURSOR * CURSOR * 4, .devices = display_only, .device_count = 1, .cpu = HW_ACCESS_WRITE, .name = "cursor"};
  TRY(e, hw_engine_allocate(e, &cr, &cursor));

  /* Draw the cursor: an arrow-ish triangle, ARGB8888, through the CPU mapping. */
  void *map;
  size_t len;
  TRY(e, hw_engine_cpu_begin(e, cursor, HW_ACCESS_WRITE));
  TRY(e, hw_engine_cpu_map(e, cursor, &map, &len));
  uint32_t *px = map;
  for (int y = 0; y < CURSOR; y++)
    for (int x = 0; x < CURSOR; x++) px[y * CURSOR + x] = x <= y / 2 ? 0xffffffffu : 0x00000000u;
  TRY(e, hw_engine_cpu_end(e, cursor));

  /* Frames: clients render on the GPU, the GPU composes into a scanout buffer, the display
   * scans it out together with the cursor plane. */
  for (int frame = 0; frame < 6; frame++) {
    hw_buffer_id_t c = client[frame % 3], fb = scanout[frame % 2];
    TRY(e, hw_engine_cpu_begin(e, c, HW_ACCESS_WRITE)); /* the client's software renderer */
    TRY(e, hw_engine_cpu_map(e, c, &map, &len));
    memset(map, frame, len);
    TRY(e, hw_engine_cpu_end(e, c));
    TRY(e, hw_engine_device_begin(e, c, "gpu", HW_ACCESS_READ));
    TRY(e, hw_engine_device_begin(e, fb, "gpu", HW_ACCESS_WRITE));
    TRY(e, hw_engine_device_end(e, fb, "gpu"));
    TRY(e, hw_engine_device_end(e, c, "gpu"));
    TRY(e, hw_engine_device_begin(e, fb, "display", HW_ACCESS_READ));
    TRY(e, hw_engine_device_begin(e, cursor, "display", HW_ACCESS_READ));
    TRY(e, hw_engine_device_end(e, cursor, "display"));
    TRY(e, hw_engine_device_end(e, fb, "display"));
  }

  /* Hand one client buffer to another process: the duplicate is ours to pass on and close. */
  int fd = -1;
  TRY(e, hw_engine_export(e, client[0], &fd));
  if (fd >= 0) close(fd);

  for (int i = 0; i < 2; i++) {
    const hw_decision_t *d = hw_engine_decision(e, scanout[i]);
    printf("scanout-%d: %s, %llu bytes\n", i, hw_decision_heap(d), (unsigned long long)hw_decision_size(d));
  }
  printf("cursor: %s\n", hw_decision_heap(hw_engine_decision(e, cursor)));

  for (int i = 0; i < 2; i++) TRY(e, hw_engine_free(e, scanout[i]));
  for (int i = 0; i < 3; i++) TRY(e, hw_engine_free(e, client[i]));
  TRY(e, hw_engine_free(e, cursor));
  return 0;
}

int main(int argc, char **argv) {
  hw_engine_options_t opts = {.backend = HW_BACKEND_MODEL};
  const char *platform_file = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--backend") && i + 1 < argc) {
      const char *b = argv[++i];
      if (!strcmp(b, "kernel")) opts.backend = HW_BACKEND_KERNEL;
      else if (strcmp(b, "model") != 0) {
        fprintf(stderr, "compositor: --backend model|kernel\n");
        return 2;
      }
    } else if (!strcmp(argv[i], "--platform") && i + 1 < argc) {
      platform_file = argv[++i];
    } else {
      fprintf(stderr, "usage: compositor [--backend model|kernel] [--platform FILE]\n");
      return 2;
    }
  }
  int fds_before = open_fds();
  hw_error_t *err = NULL;
  hw_platform_t *platform = NULL;
  hw_policy_t *policy = NULL;
  hw_engine_t *engine = NULL;
  hw_status_t st = platform_file ? hw_platform_load_file(platform_file, &platform, &err) : describe(&platform, &err);
  if (st == HW_OK) st = hw_policy_load_builtin("default", NULL, &policy, &err);
  if (st == HW_OK) st = hw_engine_new(policy, platform, &opts, &engine, &err);
  if (st != HW_OK) {
    fprintf(stderr, "compositor: %s\n", hw_error_message(err));
    hw_error_delete(err);
    hw_platform_delete(platform);
    hw_policy_delete(policy);
    return 1;
  }
  int rc = run(engine);
  hw_engine_delete(engine); /* frees whatever a failed run left, closes cached heap fds */
  hw_policy_delete(policy);
  hw_platform_delete(platform);
  int fds_after = open_fds();
  if (fds_after != fds_before) {
    fprintf(stderr, "compositor: fd leak: %d open before, %d after\n", fds_before, fds_after);
    return 1;
  }
  if (rc == 0) printf("ok: %s backend, %d fds before and after\n", opts.backend == HW_BACKEND_KERNEL ? "kernel" : "model", fds_before);
  return rc;
}
