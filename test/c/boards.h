/* Platforms the C tests share, built through the public API. */
#ifndef HW_TEST_BOARDS_H
#define HW_TEST_BOARDS_H

#include "heapwise.h"

/* A 32-bit camera interface and an IOMMU'd GPU over a 64 MiB reserved carveout and system. */
static inline hw_platform_t *camera_board(void) {
  hw_platform_t *p = NULL;
  hw_platform_new("camera-board", &p, NULL);
  hw_heap_spec_t cma = {"reserved", 0, HW_DEFAULT, HW_DEFAULT, HW_DEFAULT, 32, 64u << 20, 0};
  hw_heap_spec_t sys = {"system", 0, HW_DEFAULT, HW_DEFAULT, HW_DEFAULT, 0, 0, 0};
  hw_platform_add_heap(p, &cma, NULL);
  hw_platform_add_heap(p, &sys, NULL);
  hw_device_spec_t csi = {"csi", 32, 0, 0, HW_DEFAULT, 0, 0, NULL, 0};
  hw_device_spec_t gpu = {"gpu", 64, 1, 1, HW_DEFAULT, 0, 0, NULL, 0};
  hw_platform_add_device(p, &csi, NULL);
  hw_platform_add_device(p, &gpu, NULL);
  return p;
}

#endif
