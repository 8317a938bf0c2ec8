/* Reading the fields of each binary record type, bounded by the record. */
#include <string.h>

#include "trace_binary_records.h"

#define TRY(x)                        \
  do {                                \
    hw_status_t st_ = (x);            \
    if (st_ != HW_OK) return st_;     \
  } while (0)

static hw_status_t str(hw_bin_fields *f, const char *what, hw_bin_str_t *s) {
  s->present = 1;
  return hw_bin_str(f, what, &s->s, &s->n);
}

static hw_status_t opt(hw_bin_fields *f, const char *what, hw_bin_str_t *s) { return hw_bin_opt(f, what, &s->present, &s->s, &s->n); }

static hw_status_t policy(hw_bin_fields *f, hw_bin_policy *p) {
  TRY(str(f, "policy name", &p->name));
  TRY(str(f, "policy version", &p->version));
  TRY(str(f, "policy sha256", &p->sha256));
  TRY(opt(f, "policy path", &p->path));
  p->recorded = f->c->version >= 2;
  if (!p->recorded) {
    p->manifest = (hw_bin_str_t){0};
    return HW_OK;
  }
  return opt(f, "policy manifest", &p->manifest);
}

hw_status_t hw_bin_read_header(hw_bin_cursor *c, hw_bin_header *h) {
  hw_bin_fields f = hw_bin_fields_of(c);
  TRY(str(&f, "host", &h->host));
  TRY(str(&f, "backend", &h->backend));
  TRY(policy(&f, &h->policy));
  TRY(hw_bin_u32(&f, "fuel", &h->fuel));
  TRY(hw_bin_u32(&f, "opCap", &h->op_cap));
  TRY(hw_bin_u8(&f, "log", &h->log));
  TRY(str(&f, "platform", &h->platform));
  return hw_bin_done(&f);
}

/* An Access value; `refusable`: or a word the engine refused (device_begin, cpu_begin record the
 * word before checking it; alloc checks its cpu use first, as JSON Lines' cpu word). */
static hw_status_t word(hw_bin_fields *f, const char *what, int refusable) {
  uint32_t code;
  TRY(hw_bin_u8(f, what, &code));
  if (code == HW_BIN_OTHER_WORD && refusable) {
    hw_bin_str_t s;
    return str(f, what, &s);
  }
  return code < 4 ? HW_OK : hw_bin_fault(f->c, "%s %u is not an Access value", what, code);
}

static hw_status_t device(hw_bin_fields *f) {
  uint32_t d;
  TRY(hw_bin_u32(f, "device", &d));
  return d < f->c->devices ? HW_OK : hw_bin_fault(f->c, "device index %u outside the platform's %zu devices", d, f->c->devices);
}

hw_status_t hw_bin_check_call(hw_bin_cursor *c) {
  hw_bin_fields f = hw_bin_fields_of(c);
  uint32_t n, buf, op;
  TRY(hw_bin_u32(&f, "n", &n));
  TRY(hw_bin_u32(&f, "buf", &buf));
  TRY(hw_bin_u8(&f, "op", &op));
  if (op < 1 || op > 9) return hw_bin_fault(c, "unknown call op %u", op);
  const char *name = HW_BIN_CALL_OPS[op];
  if (!strcmp(name, "alloc")) {
    uint64_t size;
    uint32_t flags, count;
    hw_bin_str_t s;
    TRY(hw_bin_u64(&f, "size", &size));
    TRY(word(&f, "cpu", 0));
    TRY(hw_bin_u8(&f, "flags", &flags));
    TRY(opt(&f, "name", &s));
    TRY(hw_bin_u32(&f, "device count", &count));
    if (count > HW_MAX_DEVICES) return hw_bin_fault(c, "%u devices (at most %u)", count, HW_MAX_DEVICES);
    for (uint32_t k = 0; k < count; k++) TRY(device(&f));
  } else if (!strcmp(name, "attach") || !strcmp(name, "device_end")) {
    TRY(device(&f));
  } else if (!strcmp(name, "device_begin")) {
    TRY(device(&f));
    TRY(word(&f, "access", 1));
  } else if (!strcmp(name, "cpu_begin")) {
    TRY(word(&f, "access", 1));
  }
  return hw_bin_done(&f);
}

hw_status_t hw_bin_check_result(hw_bin_cursor *c) {
  hw_bin_fields f = hw_bin_fields_of(c);
  uint32_t i, op, outcome, v;
  hw_bin_str_t code;
  TRY(hw_bin_u32(&f, "i", &i));
  TRY(hw_bin_u32(&f, "op", &op));
  TRY(hw_bin_u8(&f, "outcome", &outcome));
  if (outcome == HW_BIN_RESULT_OK_FD) TRY(hw_bin_u32(&f, "fd", &v));
  else if (outcome == HW_BIN_RESULT_FAILED) {
    TRY(hw_bin_u32(&f, "errno", &v));
    TRY(str(&f, "code", &code));
  } else if (outcome != HW_BIN_RESULT_OK) {
    return hw_bin_fault(c, "outcome %u (0, 1 or 2)", outcome);
  }
  return hw_bin_done(&f);
}

/* The fields after the u32 i, which the cursor has read and checked already. */
static hw_bin_fields after_index(hw_bin_cursor *c) {
  hw_bin_fields f = hw_bin_fields_of(c);
  f.p += 4;
  return f;
}

hw_status_t hw_bin_read_fault(hw_bin_cursor *c, hw_bin_str_t *kind, hw_bin_str_t *message) {
  hw_bin_fields f = after_index(c);
  TRY(str(&f, "kind", kind));
  TRY(str(&f, "message", message));
  if (!hw_trace_fault_kind_known((const char *)kind->s, kind->n)) return hw_bin_fault(c, "kind: unknown fault kind (trap, abort, status, invalid-op, fuel)");
  return hw_bin_done(&f);
}

hw_status_t hw_bin_read_swap(hw_bin_cursor *c, hw_bin_str_t *reason, hw_bin_policy *p) {
  hw_bin_fields f = after_index(c);
  TRY(str(&f, "reason", reason));
  if (!hw_trace_swap_reason_known((const char *)reason->s, reason->n)) return hw_bin_fault(c, "reason: unknown swap reason (explicit or fault)");
  TRY(policy(&f, p));
  return hw_bin_done(&f);
}

hw_status_t hw_bin_read_log(hw_bin_cursor *c, uint32_t *fd, hw_bin_str_t *text) {
  hw_bin_fields f = after_index(c);
  TRY(hw_bin_u8(&f, "fd", fd));
  TRY(str(&f, "text", text));
  return hw_bin_done(&f);
}

hw_status_t hw_bin_read_answer(hw_bin_cursor *c, hw_outcome *out) {
  uint32_t len;
  const uint8_t *b = hw_bin_answer_image(c, &len); /* lengths checked by the cursor */
  uint32_t ops = hw_get_u32(b), explains = hw_get_u32(b + 4), strings_len = hw_get_u32(b + 8);
  const uint8_t *explains_at = b + HW_OUT_OPS_OFFSET + ops * sizeof(hw_op), *strings = explains_at + explains * sizeof(hw_explain);
  out->op_count = ops;
  out->explain_count = explains;
  for (uint32_t k = 0; k < ops; k++) {
    hw_op raw;
    memcpy(&raw, b + HW_OUT_OPS_OFFSET + k * sizeof raw, sizeof raw);
    hw_op_rec *op = &out->ops[k];
    *op = (hw_op_rec){.kind = raw.kind, .buf = raw.buf, .heap = raw.heap, .arg = raw.arg, .value = raw.value};
    if (op->kind != HW_OP_KIND_SET_NAME) continue;
    if (op->value > strings_len || op->arg > strings_len - op->value)
      return hw_bin_fault(c, "SET_NAME op %u points at string bytes [%llu, +%u) beyond the %u recorded", k, (unsigned long long)op->value, op->arg, strings_len);
    const uint8_t *s = strings + op->value;
    uint32_t n = op->arg;
    if (!hw_utf8_valid(s, n)) return hw_bin_fault(c, "SET_NAME op %u names a buffer with bytes that are not UTF-8", k);
    /* TextDecoder drops a leading byte order mark, as the recording host's line does. */
    if (n >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) s += 3, n -= 3;
    if (n >= HW_NAME_CAPACITY) return hw_bin_fault(c, "SET_NAME op %u names a buffer with %u bytes (at most %u)", k, n, HW_NAME_CAPACITY - 1);
    op->has_name = 1;
    op->name_len = n;
    memcpy(op->name, s, n);
    op->name[n] = 0;
  }
  memcpy(out->explain_copy, explains_at, explains * sizeof(hw_explain));
  out->explains = out->explain_copy; /* the cursor's block moves on */
  memcpy(out->state, b + offsetof(hw_out_header, state), sizeof out->state);
  return HW_OK;
}
