/* CRC-32 (ISO-HDLC, as zlib computes it) over the blocks of a binary trace (docs/trace.md). */
#ifndef HW_CRC32_H
#define HW_CRC32_H

#include <stddef.h>
#include <stdint.h>

uint32_t hw_crc32(const uint8_t *b, size_t n);

#endif
