/* The smallest complete heapwise program: describe a platform, load the built-in policy,
 * allocate a buffer the CPU writes and a display reads, explain the decision, free it. */
#include <stdio.h>
#include <string.h>

#include <heapwise.h>

int main(void) {
  hw_error_t *err = NULL;
  hw_platform_t *platform = NULL;
  hw_policy_t *policy = NULL;
  hw_engine_t *engine = NULL;

  /* A board with a 64 MiB CMA region below 4 GiB and a display without an IOMMU. */
  hw_heap_spec_t cma = {.name = "reserved", .contiguous = HW_DEFAULT, .cached = HW_DEFAULT,
                        .cpu_access = HW_DEFAULT, .max_address_bits = 32, .size = 64 << 20};
  hw_heap_spec_t sys = {.name = "system", .contiguous = HW_DEFAULT, .cached = HW_DEFAULT,
                        .cpu_access = HW_DEFAULT};
  hw_device_spec_t display = {.name = "display", .dma_mask_bits = 32, .iommu = 0,
                              .coherent = 0, .contiguous = HW_DEFAULT};
  if (hw_platform_new("board", &platform, &err) != HW_OK ||
      hw_platform_add_heap(platform, &cma, &err) != HW_OK ||
      hw_platform_add_heap(platform, &sys, &err) != HW_OK ||
      hw_platform_add_device(platform, &display, &err) != HW_OK ||
      hw_policy_load_builtin("default", NULL, &policy, &err) != HW_OK ||
      hw_engine_new(policy, platform, NULL, &engine, &err) != HW_OK) {
    fprintf(stderr, "heapwise: %s\n", hw_error_message(err));
    hw_error_delete(err);
    return 1;
  }

  const char *devices[] = {"display"};
  hw_alloc_request_t request = {.size = 1920 * 1080 * 4, .devices = devices, .device_count = 1,
                                .cpu = HW_ACCESS_WRITE, .name = "framebuffer"};
  hw_buffer_id_t fb;
  if (hw_engine_allocate(engine, &request, &fb) != HW_OK) {
    fprintf(stderr, "heapwise: %s\n", hw_engine_last_error(engine));
    return 1;
  }

  /* Draw through the CPU mapping; the engine issues only the syncs the policy asks for. */
  void *pixels;
  size_t len;
  hw_engine_cpu_begin(engine, fb, HW_ACCESS_WRITE);
  if (hw_engine_cpu_map(engine, fb, &pixels, &len) == HW_OK) memset(pixels, 0x20, len);
  hw_engine_cpu_end(engine, fb);
  hw_engine_device_begin(engine, fb, "display", HW_ACCESS_READ);
  hw_engine_device_end(engine, fb, "display");

  const hw_decision_t *d = hw_engine_decision(engine, fb);
  printf("%s: %llu bytes\n", hw_decision_heap(d), (unsigned long long)hw_decision_size(d));
  for (size_t i = 0; i < hw_decision_rejected_count(d); i++) {
    hw_rejection_t r;
    hw_decision_rejected(d, i, &r);
    printf("  not %s: %s\n", r.heap, r.reason);
  }

  hw_engine_free(engine, fb);
  hw_engine_delete(engine);
  hw_policy_delete(policy);
  hw_platform_delete(platform);
  return 0;
}
