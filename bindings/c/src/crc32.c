/* Table-driven CRC-32, reflected polynomial 0xEDB88320, initial value and final xor 0xFFFFFFFF:
 * our own, as host/trace/crc32.ts is, so the library needs no zlib. The 1 KiB table is filled
 * once on first use (pthread_once: engines on several threads may record at the same time). */
#include <pthread.h>

#include "crc32.h"

static uint32_t table[256];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void fill_table(void) {
  for (uint32_t n = 0; n < 256; n++) {
    uint32_t c = n;
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
}

uint32_t hw_crc32(const uint8_t *b, size_t n) {
  pthread_once(&table_once, fill_table);
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < n; i++) c = table[(c ^ b[i]) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}
