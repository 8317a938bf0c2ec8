/* Binary traces (.hwtrace, docs/trace.md "Binary traces"): the constants writer and reader agree
 * on (host/trace/binary-format.ts), and the writer's block buffer. */
#ifndef HW_TRACE_BINARY_H
#define HW_TRACE_BINARY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define HW_BIN_MAGIC "HWTRACE" /* and its NUL: 8 bytes */
#define HW_BIN_MAGIC_SIZE 8u
#define HW_BIN_VERSION 2u     /* written; 2 records the manifest in force with each policy */
#define HW_BIN_VERSION_MIN 1u /* the oldest one read: no manifests recorded */
#define HW_BIN_FILE_HEADER 12u   /* magic, u32 version */
#define HW_BIN_BLOCK_HEADER 8u   /* u32 length, u32 crc32 */
#define HW_BIN_RECORD_HEADER 5u  /* u8 type, u32 payload length */
#define HW_BIN_BLOCK_TARGET (1u << 16) /* writers close a block once it holds this much */
#define HW_BIN_BLOCK_MAX (1u << 24)    /* largest block a reader accepts */
#define HW_BIN_EVENT_PREFIX 8u   /* u32 i, idx n before the event image */
#define HW_BIN_ANSWER_PREFIX 4u  /* u32 i before the answer image */

enum { HW_REC_HEADER = 1, HW_REC_CALL, HW_REC_EVENT, HW_REC_ANSWER, HW_REC_FAULT, HW_REC_RESULT, HW_REC_SWAP, HW_REC_LOG, HW_REC_END };
/* Call ops by code: alloc 1 ... place 9 (index = code). */
extern const char *const HW_BIN_CALL_OPS[10];
#define HW_BIN_OTHER_WORD 255u /* an access word the engine refused, written as a string */
#define HW_BIN_ALLOC_PROTECTED 1u
#define HW_BIN_ALLOC_DEFERRED 2u
enum { HW_BIN_RESULT_FAILED = 0, HW_BIN_RESULT_OK = 1, HW_BIN_RESULT_OK_FD = 2 };

/* "header", "call", ... for a record type, or NULL. */
const char *hw_bin_record_name(uint32_t type);

/* Records being grouped into one block: buf holds the 8-byte block header, then whole records. */
typedef struct hw_block_writer {
  FILE *out;
  uint8_t *buf;
  size_t cap, len;
  int failed;
  char why[160]; /* what failed, for the finish message */
} hw_block_writer;

/* Writes the file header; 0 on a write error. */
int hw_block_writer_start(hw_block_writer *w, FILE *out);
/* Room for one record of `payload` bytes: returns where its payload goes (type and length are
 * written), closing the open block first when it holds 64 KiB or the record would not fit.
 * NULL once the writer failed (a write error, no memory, a record above 16 MiB). */
uint8_t *hw_block_writer_record(hw_block_writer *w, uint8_t type, size_t payload);
/* Closes and writes the open block. 0 on failure. */
int hw_block_writer_flush(hw_block_writer *w);
void hw_block_writer_free(hw_block_writer *w);

/* Little-endian stores that return the next position. */
static inline uint8_t *hw_put_u8(uint8_t *p, uint32_t v) { *p = (uint8_t)v; return p + 1; }
static inline uint8_t *hw_put_u32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
  return p + 4;
}
static inline uint8_t *hw_put_u64(uint8_t *p, uint64_t v) { return hw_put_u32(hw_put_u32(p, (uint32_t)v), (uint32_t)(v >> 32)); }
static inline uint32_t hw_get_u32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static inline uint64_t hw_get_u64(const uint8_t *p) { return (uint64_t)hw_get_u32(p) | (uint64_t)hw_get_u32(p + 4) << 32; }

#endif
