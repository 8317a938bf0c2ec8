/* Decoding a module's answer and validating every op before the host executes any of it. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "outcome.h"

static uint32_t get32(const uint8_t *b) { uint32_t v; memcpy(&v, b, 4); return v; }

/* hw_op_rec starts with hw_op's fields in hw_op's layout: one 24-byte copy per op. */
_Static_assert(offsetof(hw_op_rec, kind) == offsetof(hw_op, kind) && offsetof(hw_op_rec, buf) == offsetof(hw_op, buf) &&
                   offsetof(hw_op_rec, heap) == offsetof(hw_op, heap) && offsetof(hw_op_rec, arg) == offsetof(hw_op, arg) &&
                   offsetof(hw_op_rec, value) == offsetof(hw_op, value),
               "hw_op_rec must begin with hw_op's layout");

/* SET_NAME: the string bytes in bounds and UTF-8, decoded into op->name. Cold: at most one per
 * answer, so kept out of the op loop. */
static hw_status_t __attribute__((noinline)) read_name(const uint8_t *base, uint32_t strings_len, hw_op_rec *op, hw_text *why) {
  if (op->value > strings_len || op->value + op->arg > strings_len) {
    hw_text_addf(why, "SET_NAME points at string bytes [%llu, +%u) beyond the %u written", (unsigned long long)op->value, op->arg, strings_len);
    return HW_ERR_POLICY_FAULT;
  }
  const uint8_t *s = base + HW_OUT_STRINGS_OFFSET + op->value;
  uint32_t n = op->arg;
  if (!hw_utf8_valid(s, n)) {
    hw_text_add(why, "SET_NAME with a name that is not UTF-8");
    return HW_ERR_POLICY_FAULT;
  }
  /* TextDecoder drops a leading byte order mark; so do we, to decode the same name. */
  if (n >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) s += 3, n -= 3;
  op->has_name = 1;
  /* Longer names fail validation below (arg >= NAME_CAPACITY); keep what fits. */
  op->name_len = n < HW_NAME_CAPACITY ? n : HW_NAME_CAPACITY - 1;
  memcpy(op->name, s, op->name_len);
  op->name[op->name_len] = 0;
  return HW_OK;
}

/* Explanations are not copied when they can be read where the module wrote them. */
static const hw_explain *explains_at(const uint8_t *at, uint32_t count, hw_outcome *out) {
  if ((uintptr_t)at % _Alignof(hw_explain) == 0) return (const hw_explain *)at;
  memcpy(out->explain_copy, at, count * sizeof(hw_explain));
  return out->explain_copy;
}

hw_status_t hw_outcome_read(const uint8_t *mem, uint32_t output, uint32_t op_cap, hw_outcome *out, hw_text *why) {
  const uint8_t *base = mem + output;
  uint32_t op_count = get32(base + offsetof(hw_out_header, op_count));
  uint32_t explain_count = get32(base + offsetof(hw_out_header, explain_count));
  uint32_t strings_len = get32(base + offsetof(hw_out_header, strings_len));
  uint32_t cap = op_cap < HW_MAX_OPS ? op_cap : HW_MAX_OPS;
  if (op_count > cap) {
    hw_text_addf(why, "asked for %u operations in one answer; the cap is %u", op_count, cap);
    return HW_ERR_POLICY_FAULT;
  }
  if (explain_count > HW_MAX_EXPLAIN) {
    hw_text_addf(why, "wrote %u explanations; at most %u", explain_count, HW_MAX_EXPLAIN);
    return HW_ERR_POLICY_FAULT;
  }
  if (strings_len > HW_OUT_STRINGS_CAPACITY) {
    hw_text_addf(why, "wrote %u string bytes; at most %u", strings_len, HW_OUT_STRINGS_CAPACITY);
    return HW_ERR_POLICY_FAULT;
  }
  out->op_count = op_count;
  out->explain_count = explain_count;
  /* One pass, in op order: the first bad SET_NAME is the one reported, as before. */
  for (uint32_t i = 0; i < op_count; i++) {
    hw_op_rec *op = &out->ops[i];
    memcpy(op, base + HW_OUT_OPS_OFFSET + i * sizeof(hw_op), sizeof(hw_op));
    op->has_name = 0;
    op->name_len = 0;
    if (op->kind == HW_OP_KIND_SET_NAME && read_name(base, strings_len, op, why) != HW_OK) return HW_ERR_POLICY_FAULT;
  }
  out->explains = explains_at(base + HW_OUT_EXPLAIN_OFFSET, explain_count, out);
  memcpy(out->state, base + offsetof(hw_out_header, state), sizeof out->state);
  return HW_OK;
}

static void describe(hw_text *t, const hw_op_rec *op) {
  const char *k = hw_op_kind_name(op->kind);
  if (k) hw_text_add(t, k);
  else hw_text_addf(t, "op %u", op->kind);
  hw_text_addf(t, "(buf %u, heap ", op->buf);
  if (op->heap == HW_NONE) hw_text_add(t, "none");
  else hw_text_addf(t, "%u", op->heap);
  hw_text_addf(t, ", arg %u, value %llu)", op->arg, (unsigned long long)op->value);
}

static hw_status_t bad(hw_text *why, const hw_op_context *c, const hw_op_rec *op, const char *fmt, ...) __attribute__((format(printf, 4, 5)));


static hw_status_t bad(hw_text *why, const hw_op_context *c, const hw_op_rec *op, const char *fmt, ...) {
  const char *ek = hw_event_kind_name(c->event_kind);
  hw_text_addf(why, "answered %s of buffer %u with ", ek ? ek : "?", c->buf);
  describe(why, op);
  hw_text_add(why, ": ");
  char detail[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(detail, sizeof detail, fmt, ap);
  va_end(ap);
  hw_text_add(why, detail);
  return HW_ERR_POLICY_FAULT;
}

static const int SYNC_VALID[8] = {0, 1, 1, 1, 0, 1, 1, 1};

hw_status_t hw_ops_validate(const hw_outcome *out, const hw_op_context *c, hw_text *why) {
  const hw_platform_t *p = c->platform;
  for (uint32_t i = 0; i < out->op_count; i++) {
    const hw_op_rec *op = &out->ops[i];
    if (op->buf != c->buf) return bad(why, c, op, "not the buffer in question (%u)", c->buf);
    switch (op->kind) {
      case HW_OP_KIND_ALLOC: {
        if (c->event_kind != HW_EVENT_KIND_PLACE) return bad(why, c, op, "ALLOC only answers PLACE");
        if (i != 0) return bad(why, c, op, "ALLOC must be the first op");
        if (op->heap >= p->heap_count) return bad(why, c, op, "unknown heap index (platform has %zu)", p->heap_count);
        if ((c->failed_heaps >> op->heap) & 1) return bad(why, c, op, "that heap already failed for this buffer");
        if ((op->arg & ~HW_FD_FLAGS_VALID) != 0) return bad(why, c, op, "fd flags 0x%x outside O_ACCMODE|O_CLOEXEC", op->arg);
        uint64_t want = hw_rounded_size(p, c->requested, c->devices, op->heap);
        if (op->value != want) return bad(why, c, op, "size %llu differs from the request's rounded size %llu", (unsigned long long)op->value, (unsigned long long)want);
        int heap_protected = p->heaps[op->heap].kind == HW_HEAP_KIND_PROTECTED;
        if (heap_protected != !!c->request_protected) {
          return bad(why, c, op, "%s", c->request_protected ? "protected content outside a protected heap" : "unprotected buffer in a protected heap");
        }
        break;
      }
      case HW_OP_KIND_FAIL:
        if (c->event_kind != HW_EVENT_KIND_PLACE) return bad(why, c, op, "FAIL only answers PLACE");
        if (i != 0 || out->op_count != 1) return bad(why, c, op, "FAIL must be the only op");
        break;
      case HW_OP_KIND_SET_NAME:
        if (c->event_kind != HW_EVENT_KIND_PLACE || i != 1 || out->ops[0].kind != HW_OP_KIND_ALLOC) return bad(why, c, op, "SET_NAME only right after ALLOC");
        if (op->arg == 0 || op->arg >= HW_NAME_CAPACITY) return bad(why, c, op, "name of %u bytes; 1 to %u allowed", op->arg, HW_NAME_CAPACITY - 1);
        break;
      case HW_OP_KIND_SYNC:
        if (c->event_kind == HW_EVENT_KIND_PLACE) return bad(why, c, op, "no SYNC while placing");
        if (!c->placed) return bad(why, c, op, "buffer is not placed");
        if (op->arg >= 8 || !SYNC_VALID[op->arg]) return bad(why, c, op, "sync flags 0x%x are not START/END with READ, WRITE or RW", op->arg);
        break;
      default:
        return bad(why, c, op, "unknown op kind");
    }
  }
  if (c->event_kind == HW_EVENT_KIND_PLACE && out->op_count == 0) {
    hw_text_addf(why, "answered PLACE of buffer %u with no ALLOC and no FAIL", c->buf);
    return HW_ERR_POLICY_FAULT;
  }
  for (uint32_t i = 0; i < out->op_count; i++) {
    if (out->ops[i].kind == HW_OP_KIND_ALLOC && out->ops[i].value == 0) {
      hw_text_addf(why, "ALLOC of 0 bytes for buffer %u", c->buf);
      return HW_ERR_POLICY_FAULT;
    }
  }
  return HW_OK;
}
