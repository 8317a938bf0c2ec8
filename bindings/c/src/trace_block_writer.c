/* The byte layer of the binary trace writer (host/trace/binary-writer.ts): records appended to one
 * block buffer, each block closed with its CRC-32 once it holds 64 KiB and written whole. */
#include <stdlib.h>
#include <string.h>

#include "crc32.h"
#include "trace_binary.h"

const char *const HW_BIN_CALL_OPS[10] = {"", "alloc", "attach", "device_begin", "device_end", "cpu_begin", "cpu_end", "export", "free", "place"};

static const char *const RECORD_NAMES[] = {NULL, "header", "call", "event", "answer", "fault", "result", "swap", "log", "end"};

const char *hw_bin_record_name(uint32_t type) { return type >= 1 && type <= HW_REC_END ? RECORD_NAMES[type] : NULL; }

static int fail(hw_block_writer *w, const char *why) {
  if (!w->failed) snprintf(w->why, sizeof w->why, "%s", why);
  w->failed = 1;
  return 0;
}

int hw_block_writer_start(hw_block_writer *w, FILE *out) {
  memset(w, 0, sizeof *w);
  w->out = out;
  w->cap = 2 * HW_BIN_BLOCK_TARGET;
  if (!(w->buf = malloc(w->cap))) return fail(w, "out of memory for the trace block buffer");
  uint8_t head[HW_BIN_FILE_HEADER];
  memcpy(head, HW_BIN_MAGIC, HW_BIN_MAGIC_SIZE); /* with its NUL */
  hw_put_u32(head + HW_BIN_MAGIC_SIZE, HW_BIN_VERSION);
  if (fwrite(head, 1, sizeof head, out) != sizeof head) return fail(w, "writing the trace file header failed");
  return 1;
}

int hw_block_writer_flush(hw_block_writer *w) {
  if (w->failed) return 0;
  if (w->len <= HW_BIN_BLOCK_HEADER) return 1; /* no block open */
  uint32_t n = (uint32_t)(w->len - HW_BIN_BLOCK_HEADER);
  hw_put_u32(w->buf, n);
  hw_put_u32(w->buf + 4, hw_crc32(w->buf + HW_BIN_BLOCK_HEADER, n));
  size_t total = w->len;
  w->len = 0;
  if (fwrite(w->buf, 1, total, w->out) != total) return fail(w, "writing a trace block failed");
  return 1;
}

uint8_t *hw_block_writer_record(hw_block_writer *w, uint8_t type, size_t payload) {
  if (w->failed) return NULL;
  size_t need = HW_BIN_RECORD_HEADER + payload;
  if (need > HW_BIN_BLOCK_MAX) {
    char why[128];
    snprintf(why, sizeof why, "a %zu-byte %s record exceeds the %u-byte block limit", payload, hw_bin_record_name(type), HW_BIN_BLOCK_MAX);
    fail(w, why);
    return NULL;
  }
  /* A record never spans blocks, and a block stays within what every reader accepts. */
  size_t held = w->len ? w->len - HW_BIN_BLOCK_HEADER : 0;
  if (held && (held >= HW_BIN_BLOCK_TARGET || held + need > HW_BIN_BLOCK_MAX) && !hw_block_writer_flush(w)) return NULL;
  if (!w->len) w->len = HW_BIN_BLOCK_HEADER;
  if (w->len + need > w->cap) {
    size_t cap = w->len + need;
    uint8_t *b = realloc(w->buf, cap);
    if (!b) {
      fail(w, "out of memory for a large trace record");
      return NULL;
    }
    w->buf = b;
    w->cap = cap;
  }
  uint8_t *p = w->buf + w->len;
  p[0] = type;
  hw_put_u32(p + 1, (uint32_t)payload);
  w->len += need;
  return p + HW_BIN_RECORD_HEADER;
}

void hw_block_writer_free(hw_block_writer *w) {
  free(w->buf);
  w->buf = NULL;
  w->cap = w->len = 0;
}
