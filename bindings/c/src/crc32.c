/* Table-driven CRC-32, reflected polynomial 0xEDB88320, initial value and final xor 0xFFFFFFFF:
 * our own, as host/trace/crc32.ts is, so the library needs no zlib. Eight bytes per step
 * ("slicing by 8": eight 1 KiB tables) since every byte of a binary trace is checked when it is
 * written and again when it is read; one byte per step for the rest. The tables are filled once
 * on first use (pthread_once: engines on several threads may record at the same time). */
#include <pthread.h>

#include "crc32.h"

static uint32_t table[8][256];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void fill_tables(void) {
  for (uint32_t n = 0; n < 256; n++) {
    uint32_t c = n;
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    table[0][n] = c;
  }
  /* table[k][n]: the CRC of byte n followed by k zero bytes. */
  for (uint32_t n = 0; n < 256; n++)
    for (int k = 1; k < 8; k++) table[k][n] = (table[k - 1][n] >> 8) ^ table[0][table[k - 1][n] & 0xff];
}

static uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

uint32_t hw_crc32(const uint8_t *b, size_t n) {
  pthread_once(&table_once, fill_tables);
  uint32_t c = 0xffffffffu;
  for (; n >= 8; b += 8, n -= 8) {
    uint32_t lo = le32(b) ^ c, hi = le32(b + 4);
    c = table[7][lo & 0xff] ^ table[6][(lo >> 8) & 0xff] ^ table[5][(lo >> 16) & 0xff] ^ table[4][lo >> 24] ^ table[3][hi & 0xff] ^
        table[2][(hi >> 8) & 0xff] ^ table[1][(hi >> 16) & 0xff] ^ table[0][hi >> 24];
  }
  for (; n; b++, n--) c = table[0][(c ^ *b) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}
