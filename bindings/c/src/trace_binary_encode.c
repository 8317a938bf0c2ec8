/* The binary record of each trace line (docs/trace.md "Binary traces", host/trace/binary-encoder.ts):
 * events and answers as the raw ABI images, copied; the other records field by field. */
#include <stdlib.h>
#include <string.h>

#include "decision.h"
#include "trace.h"

static size_t str_size(const char *s) { return 4 + (s ? strlen(s) : 0); }
static size_t opt_size(const char *s) { return s ? 1 + str_size(s) : 1; }

static uint8_t *put_bytes(uint8_t *p, const void *s, size_t n) {
  p = hw_put_u32(p, (uint32_t)n);
  memcpy(p, s, n);
  return p + n;
}
static uint8_t *put_str(uint8_t *p, const char *s) { return put_bytes(p, s ? s : "", s ? strlen(s) : 0); }
static uint8_t *put_opt(uint8_t *p, const char *s) { return s ? put_str(hw_put_u8(p, 1), s) : hw_put_u8(p, 0); }

/* The policy fields; `manifest` is the text of the manifest as JSON Lines records it, NULL for none. */
static size_t policy_size(const char *name, const char *version, const char *sha256, const char *path, const char *manifest) {
  return str_size(name) + str_size(version) + str_size(sha256) + opt_size(path) + opt_size(manifest);
}
static uint8_t *put_policy(uint8_t *p, const char *name, const char *version, const char *sha256, const char *path, const char *manifest) {
  return put_opt(put_opt(put_str(put_str(put_str(p, name), version), sha256), path), manifest);
}

/* The manifest's JSON text (malloc'd), NULL for none; a failed allocation fails the writer. */
static char *manifest_text(hw_block_writer *w, const hw_manifest *m) {
  if (!m) return NULL;
  hw_text t = {0};
  hw_manifest_trace_json(&t, m);
  if (t.failed) {
    hw_text_free(&t);
    if (!w->failed) snprintf(w->why, sizeof w->why, "out of memory writing a policy's manifest");
    w->failed = 1;
    return NULL;
  }
  return hw_text_take(&t);
}

/* The C host records an access it does not know as "none" in JSON Lines (hw_access_name), so
 * the binary record says none too: its dump must be that line. */
static uint32_t access_code(uint32_t a) { return a < 4 ? a : 0; }

void hw_bin_write_header(hw_block_writer *w, const char *host, const char *backend, const char *name, const char *version, const char *sha256,
                   const char *path, const hw_manifest *manifest, uint32_t fuel, uint32_t op_cap, int log, const char *platform_json) {
  char *mtext = manifest_text(w, manifest);
  size_t n = str_size(host) + str_size(backend) + policy_size(name, version, sha256, path, mtext) + 9 + str_size(platform_json);
  uint8_t *p = hw_block_writer_record(w, HW_REC_HEADER, n);
  if (p) {
    p = put_policy(put_str(put_str(p, host), backend), name, version, sha256, path, mtext);
    p = hw_put_u8(hw_put_u32(hw_put_u32(p, fuel), op_cap), log ? 1 : 0);
    put_str(p, platform_json);
  }
  free(mtext);
}

static int device_of(hw_block_writer *w, const hw_platform_t *pl, const char *name, uint32_t *out) {
  int d = name ? hw_platform_device_index(pl, name) : -1;
  if (d >= 0) {
    *out = (uint32_t)d;
    return 1;
  }
  /* The engine checks device names before it records a call; this is a bug if it happens. */
  if (!w->failed) snprintf(w->why, sizeof w->why, "call names device \"%.60s\", which is not on the recorded platform", name ? name : "(null)");
  w->failed = 1;
  return 0;
}

void hw_bin_write_call(hw_block_writer *w, const hw_platform_t *pl, const hw_call_record *c) {
  uint32_t code = 0;
  for (uint32_t k = 1; k < 10; k++) if (!strcmp(HW_BIN_CALL_OPS[k], c->op)) code = k;
  uint32_t devices[HW_MAX_DEVICES];
  size_t count = 0, n = 9;
  if (code == 1) {
    if (c->device_count > HW_MAX_DEVICES) {
      if (!w->failed) snprintf(w->why, sizeof w->why, "an alloc call with %zu devices", c->device_count);
      w->failed = 1;
      return;
    }
    for (; count < c->device_count; count++) if (!device_of(w, pl, c->devices[count], &devices[count])) return;
    n += 8 + 1 + 1 + opt_size(c->name) + 4 + 4 * count;
  } else if (code == 2 || code == 4 || code == 3) {
    if (!device_of(w, pl, c->device, &devices[0])) return;
    n += code == 3 ? 5 : 4;
  } else if (code == 5) {
    n += 1;
  }
  uint8_t *p = hw_block_writer_record(w, HW_REC_CALL, n);
  if (!p) return;
  p = hw_put_u8(hw_put_u32(hw_put_u32(p, c->n), c->buf), code);
  switch (code) {
    case 1:
      p = hw_put_u8(hw_put_u8(hw_put_u64(p, c->size), access_code(c->cpu)),
                    (c->protected_content ? HW_BIN_ALLOC_PROTECTED : 0) | (c->deferred ? HW_BIN_ALLOC_DEFERRED : 0));
      p = hw_put_u32(put_opt(p, c->name), (uint32_t)count);
      for (size_t k = 0; k < count; k++) p = hw_put_u32(p, devices[k]);
      break;
    case 2:
    case 4: hw_put_u32(p, devices[0]); break;
    case 3: hw_put_u8(hw_put_u32(p, devices[0]), access_code(c->access)); break;
    case 5: hw_put_u8(p, access_code(c->access)); break;
    default: break;
  }
}

void hw_bin_write_event(hw_block_writer *w, uint32_t i, uint32_t call, const uint8_t *image, uint32_t len) {
  uint8_t *p = hw_block_writer_record(w, HW_REC_EVENT, HW_BIN_EVENT_PREFIX + len);
  if (!p) return;
  memcpy(hw_put_u32(hw_put_u32(p, i), call), image, len);
}

void hw_bin_write_answer(hw_block_writer *w, uint32_t i, const uint8_t *output) {
  /* Counts as the module wrote them (validated before an answer is recorded). */
  size_t ops = (size_t)hw_get_u32(output + offsetof(hw_out_header, op_count)) * sizeof(hw_op);
  size_t explains = (size_t)hw_get_u32(output + offsetof(hw_out_header, explain_count)) * sizeof(hw_explain);
  size_t strings = hw_get_u32(output + offsetof(hw_out_header, strings_len));
  uint8_t *p = hw_block_writer_record(w, HW_REC_ANSWER, HW_BIN_ANSWER_PREFIX + HW_OUT_OPS_OFFSET + ops + explains + strings);
  if (!p) return;
  p = hw_put_u32(p, i);
  memcpy(p, output, HW_OUT_OPS_OFFSET + ops);
  p += HW_OUT_OPS_OFFSET + ops;
  memcpy(p, output + HW_OUT_EXPLAIN_OFFSET, explains);
  memcpy(p + explains, output + HW_OUT_STRINGS_OFFSET, strings);
}

void hw_bin_write_fault(hw_block_writer *w, uint32_t i, const char *kind, const char *message) {
  uint8_t *p = hw_block_writer_record(w, HW_REC_FAULT, 4 + str_size(kind) + str_size(message));
  if (p) put_str(put_str(hw_put_u32(p, i), kind), message);
}

void hw_bin_write_result(hw_block_writer *w, uint32_t i, uint32_t op, int ok, int fd, int err) {
  char eb[32];
  const char *code = ok ? NULL : hw_errno_name(err, eb, sizeof eb);
  uint8_t *p = hw_block_writer_record(w, HW_REC_RESULT, 9 + (ok ? (fd >= 0 ? 4 : 0) : 4 + str_size(code)));
  if (!p) return;
  p = hw_put_u32(hw_put_u32(p, i), op);
  if (ok && fd >= 0) hw_put_u32(hw_put_u8(p, HW_BIN_RESULT_OK_FD), (uint32_t)fd);
  else if (ok) hw_put_u8(p, HW_BIN_RESULT_OK);
  else put_str(hw_put_u32(hw_put_u8(p, HW_BIN_RESULT_FAILED), (uint32_t)err), code);
}

void hw_bin_write_swap(hw_block_writer *w, uint32_t i, const char *reason, const char *name, const char *version, const char *sha256, const char *path,
                       const hw_manifest *manifest) {
  char *mtext = manifest_text(w, manifest);
  uint8_t *p = hw_block_writer_record(w, HW_REC_SWAP, 4 + str_size(reason) + policy_size(name, version, sha256, path, mtext));
  if (p) put_policy(put_str(hw_put_u32(p, i), reason), name, version, sha256, path, mtext);
  free(mtext);
}

void hw_bin_write_log(hw_block_writer *w, uint32_t i, uint32_t fd, const char *text, size_t len) {
  uint8_t *p = hw_block_writer_record(w, HW_REC_LOG, 5 + 4 + len);
  if (p) put_bytes(hw_put_u8(hw_put_u32(p, i), fd), text, len);
}

void hw_bin_write_end(hw_block_writer *w, uint32_t calls, uint32_t events) {
  uint8_t *p = hw_block_writer_record(w, HW_REC_END, 8);
  if (p) hw_put_u32(hw_put_u32(p, calls), events);
}
