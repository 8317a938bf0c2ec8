/* The streamed reader of binary traces: blocks, records, order rules, image lengths. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "crc32.h"
#include "error.h"
#include "outcome.h"
#include "trace_binary_cursor.h"

/* "FILE at byte N (record R): DETAIL"; record 0 names none (the file header). A record's own
 * fault names it; a block's framing names the record that would come next, as the Node host
 * does ("at byte 12 (record 1)" for the first block). */
static hw_status_t fail_at(hw_bin_cursor *c, uint64_t at, uint32_t record, const char *detail) {
  if (record) return hw_fail(c->error, HW_ERR_INPUT, "%s at byte %llu (record %u): %s", c->path, (unsigned long long)at, record, detail);
  return hw_fail(c->error, HW_ERR_INPUT, "%s at byte %llu: %s", c->path, (unsigned long long)at, detail);
}

static hw_status_t failf_at(hw_bin_cursor *c, uint64_t at, uint32_t record, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static hw_status_t failf_at(hw_bin_cursor *c, uint64_t at, uint32_t record, const char *fmt, ...) {
  char detail[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(detail, sizeof detail, fmt, ap);
  va_end(ap);
  return fail_at(c, at, record, detail);
}

hw_status_t hw_bin_fault(hw_bin_cursor *c, const char *fmt, ...) {
  char detail[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(detail, sizeof detail, fmt, ap);
  va_end(ap);
  const char *name = hw_bin_record_name(c->type);
  char type[32];
  if (!name) snprintf(type, sizeof type, "record type %u", c->type);
  return failf_at(c, c->record_at, c->index, "%s record: %s", name ? name : type, detail);
}

void hw_bin_cursor_close(hw_bin_cursor *c) {
  if (c->f) fclose(c->f);
  free(c->buf);
  c->f = NULL;
  c->buf = NULL;
}

hw_status_t hw_bin_cursor_open(hw_bin_cursor *c, const char *path, hw_error_t **error) {
  memset(c, 0, sizeof *c);
  c->path = path;
  c->error = error;
  c->block_at = HW_BIN_FILE_HEADER;
  if (!(c->f = fopen(path, "rb"))) return hw_fail(error, HW_ERR_IO, "%s: cannot read trace: %s", path, strerror(errno));
  uint8_t head[HW_BIN_FILE_HEADER];
  size_t n = fread(head, 1, sizeof head, c->f);
  hw_status_t st = HW_OK;
  if (n < HW_BIN_MAGIC_SIZE || memcmp(head, HW_BIN_MAGIC, HW_BIN_MAGIC_SIZE) != 0) st = fail_at(c, 0, c->index, "not a binary heapwise trace (no HWTRACE magic)");
  else if (n < sizeof head) st = fail_at(c, HW_BIN_MAGIC_SIZE, c->index, "truncated: the format version is cut short");
  else if ((c->version = hw_get_u32(head + HW_BIN_MAGIC_SIZE)) < HW_BIN_VERSION_MIN || c->version > HW_BIN_VERSION)
    st = failf_at(c, HW_BIN_MAGIC_SIZE, c->index, "binary trace format version %u; this reader knows versions %u and %u", c->version, HW_BIN_VERSION_MIN, HW_BIN_VERSION);
  if (st != HW_OK) hw_bin_cursor_close(c);
  return st;
}

static hw_status_t open_block(hw_bin_cursor *c) {
  uint64_t at = c->block_at + c->block_len; /* where this block's header sits */
  uint8_t head[HW_BIN_BLOCK_HEADER];
  size_t n = fread(head, 1, sizeof head, c->f);
  if (n == 0) return failf_at(c, at, c->index + 1, "truncated: no end record after %u records", c->index);
  if (n < sizeof head) return failf_at(c, at, c->index + 1, "truncated: block header cut short");
  uint32_t len = hw_get_u32(head), crc = hw_get_u32(head + 4);
  if (len == 0 || len > HW_BIN_BLOCK_MAX) return failf_at(c, at, c->index + 1, "corrupted block length %u (1 to %u)", len, HW_BIN_BLOCK_MAX);
  if (len > c->cap) {
    uint8_t *b = realloc(c->buf, len);
    if (!b) return hw_fail(c->error, HW_ERR_NO_MEMORY, "%s: out of memory for a %u-byte block", c->path, len);
    c->buf = b;
    c->cap = len;
  }
  size_t got = fread(c->buf, 1, len, c->f);
  if (got < len) return failf_at(c, at, c->index + 1, "truncated: block of %u bytes, the file ends %zu bytes into it", len, got);
  uint32_t actual = hw_crc32(c->buf, len);
  if (actual != crc) return failf_at(c, at, c->index + 1, "corrupted block: CRC-32 0x%08x, recorded 0x%08x", actual, crc);
  c->block_at = at + HW_BIN_BLOCK_HEADER;
  c->block_len = len;
  c->pos = 0;
  return HW_OK;
}

static hw_status_t u32_at(hw_bin_cursor *c, uint32_t off, uint32_t *v) {
  if (off + 4 > c->len) return hw_bin_fault(c, "cut short");
  *v = hw_get_u32(c->p + off);
  return HW_OK;
}

static hw_status_t check_event_image(hw_bin_cursor *c) {
  uint32_t len = c->len - HW_BIN_EVENT_PREFIX;
  if (c->len < HW_BIN_EVENT_PREFIX || len < HW_EVENT_USAGE_OFFSET || (len - HW_EVENT_USAGE_OFFSET) % 8)
    return hw_bin_fault(c, "event image of %d bytes (128, or 128 + 8 per heap for PLACE)", (int)c->len - (int)HW_BIN_EVENT_PREFIX);
  const uint8_t *b = c->p + HW_BIN_EVENT_PREFIX;
  uint32_t kind = hw_get_u32(b + offsetof(hw_event, kind)), name_len = hw_get_u32(b + offsetof(hw_event, name_len));
  if (kind < HW_EVENT_KIND_PLACE || kind > HW_EVENT_KIND_FREE) return hw_bin_fault(c, "unknown event kind %u", kind);
  if (kind != HW_EVENT_KIND_PLACE && len != HW_EVENT_USAGE_OFFSET) return hw_bin_fault(c, "event image of %u bytes; only PLACE carries usage", len);
  /* Bounded whatever the platform says: replay copies the image into the module's input region. */
  if ((len - HW_EVENT_USAGE_OFFSET) / 8 > HW_MAX_HEAPS || (kind == HW_EVENT_KIND_PLACE && c->platform_known && (len - HW_EVENT_USAGE_OFFSET) / 8 != c->heaps))
    return hw_bin_fault(c, "PLACE image carries usage of %u heaps; the platform has %zu", (len - HW_EVENT_USAGE_OFFSET) / 8, c->heaps);
  if (hw_get_u32(b + offsetof(hw_event, access)) > 3 || hw_get_u32(b + offsetof(hw_event, cpu)) > 3) return hw_bin_fault(c, "access and cpu must be Access values (0-3)");
  if (name_len > HW_NAME_CAPACITY) return hw_bin_fault(c, "name of %u bytes (at most %u)", name_len, HW_NAME_CAPACITY);
  uint32_t device = hw_get_u32(b + offsetof(hw_event, device)), heap = hw_get_u32(b + offsetof(hw_event, heap));
  if (!c->platform_known) return HW_OK;
  if (device != HW_NONE && device >= c->devices) return hw_bin_fault(c, "device index %u outside the platform's %zu devices", device, c->devices);
  if (heap != HW_NONE && heap >= c->heaps) return hw_bin_fault(c, "heap index %u outside the platform's %zu heaps", heap, c->heaps);
  return HW_OK;
}

static hw_status_t check_answer_image(hw_bin_cursor *c) {
  if (c->len < HW_BIN_ANSWER_PREFIX + HW_OUT_OPS_OFFSET)
    return hw_bin_fault(c, "answer image of %d bytes, shorter than the %u-byte OutHeader", (int)c->len - (int)HW_BIN_ANSWER_PREFIX, HW_OUT_OPS_OFFSET);
  const uint8_t *b = c->p + HW_BIN_ANSWER_PREFIX;
  uint32_t ops = hw_get_u32(b), explains = hw_get_u32(b + 4), strings = hw_get_u32(b + 8);
  if (ops > HW_MAX_OPS || explains > HW_MAX_EXPLAIN || strings > HW_OUT_STRINGS_CAPACITY)
    return hw_bin_fault(c, "answer counts %u ops, %u explanations, %u string bytes exceed the output region", ops, explains, strings);
  uint32_t want = HW_OUT_OPS_OFFSET + ops * (uint32_t)sizeof(hw_op) + explains * (uint32_t)sizeof(hw_explain) + strings;
  if (c->len - HW_BIN_ANSWER_PREFIX != want) return hw_bin_fault(c, "answer image of %u bytes; its counts make %u", c->len - HW_BIN_ANSWER_PREFIX, want);
  /* Op kinds from their set, as an answer line's words must be. */
  for (uint32_t k = 0; k < ops; k++) {
    uint32_t kind = hw_get_u32(b + HW_OUT_OPS_OFFSET + k * (uint32_t)sizeof(hw_op) + offsetof(hw_op, kind));
    if (kind < HW_OP_KIND_ALLOC || kind > HW_OP_KIND_FAIL) return hw_bin_fault(c, "op %u: unknown op kind %u", k, kind);
    uint32_t heap = hw_get_u32(b + HW_OUT_OPS_OFFSET + k * (uint32_t)sizeof(hw_op) + offsetof(hw_op, heap));
    if (heap != HW_NONE && c->platform_known && heap >= c->heaps) return hw_bin_fault(c, "op %u heap index %u outside the platform's %zu heaps", k, heap, c->heaps);
  }
  return HW_OK;
}

/* An order rule's verdict as a fault about the current record. */
static hw_status_t order(hw_bin_cursor *c, int ok, const char *why) { return ok ? HW_OK : hw_bin_fault(c, "%s", why); }

/* A result: u32 i, i32 op, u8 outcome (0 failed). */
static hw_status_t result_in_order(hw_bin_cursor *c, uint32_t i, char *why, size_t cap) {
  if (c->len < 9) return hw_bin_fault(c, "cut short");
  return order(c, hw_order_result(&c->order, i, hw_get_u32(c->p + 4), c->p[8] != HW_BIN_RESULT_FAILED, why, cap), why);
}

/* The order rules of the format (trace_read.h), and the image lengths replay relies on. */
static hw_status_t check(hw_bin_cursor *c) {
  uint32_t t = c->type, i = 0, n = 0;
  hw_trace_order *o = &c->order;
  char why[256];
  hw_status_t st;
  if (c->index == 1 && t != HW_REC_HEADER) return hw_bin_fault(c, "the first record must be the header");
  if (t == HW_REC_HEADER) return c->index == 1 ? HW_OK : hw_bin_fault(c, "a second header");
  if (t < HW_REC_HEADER || t > HW_REC_END) return failf_at(c, c->record_at, c->index, "unknown record type %u", t);
  if ((st = u32_at(c, 0, &i)) != HW_OK) return st;
  switch (t) {
    case HW_REC_CALL: return order(c, hw_order_call(o, i, why, sizeof why), why);
    case HW_REC_EVENT:
      if ((st = u32_at(c, 4, &n)) != HW_OK) return st;
      if ((st = order(c, hw_order_event(o, i, n, why, sizeof why), why)) != HW_OK) return st;
      return check_event_image(c);
    case HW_REC_ANSWER:
      if ((st = check_answer_image(c)) != HW_OK) return st;
      return order(c, hw_order_answer(o, i, hw_get_u32(c->p + HW_BIN_ANSWER_PREFIX), why, sizeof why), why);
    case HW_REC_FAULT: return order(c, hw_order_fault(o, i, why, sizeof why), why);
    case HW_REC_RESULT: return result_in_order(c, i, why, sizeof why);
    case HW_REC_LOG: return order(c, hw_order_log(o, i, why, sizeof why), why);
    case HW_REC_SWAP: return order(c, hw_order_swap(o, i, why, sizeof why), why);
    default: {
      uint32_t events = 0;
      if ((st = u32_at(c, 4, &events)) != HW_OK) return st;
      if (c->len != 8) return hw_bin_fault(c, "%u bytes (8)", c->len);
      if ((st = order(c, hw_order_end(o, i, events, why, sizeof why), why)) != HW_OK) return st;
      c->ended = 1;
      return HW_OK;
    }
  }
}

hw_status_t hw_bin_cursor_next(hw_bin_cursor *c, int *more) {
  hw_status_t st;
  *more = 0;
  if (c->pos >= c->block_len) {
    if (c->ended) {
      if (fgetc(c->f) != EOF) return fail_at(c, c->block_at + c->block_len, c->index, "bytes after the block holding the end record");
      if (ferror(c->f)) return hw_fail(c->error, HW_ERR_IO, "%s: read error", c->path);
      return HW_OK;
    }
    if ((st = open_block(c)) != HW_OK) return st;
  } else if (c->ended) {
    return fail_at(c, c->block_at + c->pos, c->index, "a record after the end record");
  }
  c->index++;
  size_t at = c->pos, left = c->block_len - at;
  c->record_at = c->block_at + at;
  if (left < HW_BIN_RECORD_HEADER) return fail_at(c, c->record_at, c->index, "record header runs past its block");
  c->type = c->buf[at];
  c->len = hw_get_u32(c->buf + at + 1);
  if (c->len > left - HW_BIN_RECORD_HEADER)
    return failf_at(c, c->record_at, c->index, "record of %u bytes runs past its block (%zu left)", c->len, left - HW_BIN_RECORD_HEADER);
  c->p = c->buf + at + HW_BIN_RECORD_HEADER;
  c->pos = at + HW_BIN_RECORD_HEADER + c->len;
  if ((st = check(c)) != HW_OK) return st;
  *more = 1;
  return HW_OK;
}

static hw_status_t take(hw_bin_fields *f, const char *what, size_t k, const uint8_t **at) {
  if ((size_t)(f->end - f->p) < k) return hw_bin_fault(f->c, "%s cut short", what);
  *at = f->p;
  f->p += k;
  return HW_OK;
}

hw_status_t hw_bin_u8(hw_bin_fields *f, const char *what, uint32_t *v) {
  const uint8_t *at = NULL;
  hw_status_t st = take(f, what, 1, &at);
  if (st == HW_OK) *v = *at;
  return st;
}

hw_status_t hw_bin_u32(hw_bin_fields *f, const char *what, uint32_t *v) {
  const uint8_t *at = NULL;
  hw_status_t st = take(f, what, 4, &at);
  if (st == HW_OK) *v = hw_get_u32(at);
  return st;
}

hw_status_t hw_bin_u64(hw_bin_fields *f, const char *what, uint64_t *v) {
  const uint8_t *at = NULL;
  hw_status_t st = take(f, what, 8, &at);
  if (st == HW_OK) *v = hw_get_u64(at);
  return st;
}

/* Every string of a record is UTF-8, as the Node host decodes it strictly: other bytes are damage. */
hw_status_t hw_bin_str(hw_bin_fields *f, const char *what, const uint8_t **s, uint32_t *n) {
  hw_status_t st = hw_bin_u32(f, what, n);
  if (st == HW_OK) st = take(f, what, *n, s);
  if (st == HW_OK && !hw_utf8_valid(*s, *n)) return hw_bin_fault(f->c, "%s is not UTF-8", what);
  return st;
}

hw_status_t hw_bin_opt(hw_bin_fields *f, const char *what, int *present, const uint8_t **s, uint32_t *n) {
  uint32_t flag = 0;
  hw_status_t st = hw_bin_u8(f, what, &flag);
  if (st != HW_OK) return st;
  if (flag > 1) return hw_bin_fault(f->c, "%s: presence byte %u (0 or 1)", what, flag);
  *present = (int)flag;
  *s = NULL;
  *n = 0;
  return flag ? hw_bin_str(f, what, s, n) : HW_OK;
}

hw_status_t hw_bin_done(hw_bin_fields *f) {
  return f->p == f->end ? HW_OK : hw_bin_fault(f->c, "%zu bytes left over", (size_t)(f->end - f->p));
}
