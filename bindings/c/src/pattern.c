/* The deterministic byte pattern a CPU access writes and later verifies (host/kernel/pattern.ts):
 * each 32-bit word depends on the stamp and its index, so a stale line, a wrong buffer or a
 * lost write all show. Stamp 0 stands for "never written": all zero. */
#include <string.h>

#include "backend.h"

static uint32_t word(uint32_t stamp, uint32_t index) {
  uint32_t x = ((stamp ^ 0x9e3779b9u) * 0x85ebca6bu) ^ ((index + 1) * 0xc2b2ae35u);
  x ^= x >> 16;
  x *= 0x7feb352du;
  x ^= x >> 15;
  return x;
}

static uint8_t byte_at(uint32_t stamp, size_t i) {
  return stamp ? (uint8_t)(word(stamp, (uint32_t)(i >> 2)) >> ((i & 3) * 8)) : 0;
}

void hw_pattern_write(uint8_t *bytes, size_t n, uint32_t stamp) {
  size_t words = n >> 2;
  for (size_t i = 0; i < words; i++) {
    uint32_t w = stamp ? word(stamp, (uint32_t)i) : 0;
    memcpy(bytes + i * 4, &w, 4); /* little-endian hosts, as Uint32Array writes it */
  }
  for (size_t i = words * 4; i < n; i++) bytes[i] = byte_at(stamp, i);
}

long hw_pattern_mismatch(const uint8_t *bytes, size_t n, uint32_t stamp) {
  size_t words = n >> 2;
  for (size_t i = 0; i < words; i++) {
    uint32_t w;
    memcpy(&w, bytes + i * 4, 4);
    if (w != (stamp ? word(stamp, (uint32_t)i) : 0)) {
      for (size_t b = i * 4; b < i * 4 + 4; b++) if (bytes[b] != byte_at(stamp, b)) return (long)b;
    }
  }
  for (size_t i = words * 4; i < n; i++) if (bytes[i] != byte_at(stamp, i)) return (long)i;
  return -1;
}
