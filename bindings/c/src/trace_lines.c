/* The text of each trace line, byte for byte as host/trace/lines.ts writes it. */
#include <stdlib.h>
#include <string.h>

#include "decision.h"
#include "trace.h"

static const char *const ACCESS_NAMES[] = {"none", "read", "write", "readwrite"};

const char *hw_access_name(uint32_t a) { return a < 4 ? ACCESS_NAMES[a] : "none"; }

/* Indexes that are NONE in the ABI are -1 in traces. */
static void idx(hw_text *t, uint32_t v) {
  if (v == HW_NONE) hw_text_add(t, "-1");
  else hw_text_addf(t, "%u", v);
}

static void str(hw_text *t, const char *s) { hw_text_json_string(t, s, strlen(s)); }

static void policy_text(hw_text *t, const char *name, const char *version, const char *sha256, const char *path, const hw_manifest *manifest) {
  hw_text_add(t, "{\"name\":");
  str(t, name);
  hw_text_add(t, ",\"version\":");
  str(t, version);
  hw_text_add(t, ",\"sha256\":");
  str(t, sha256);
  hw_text_add(t, ",\"path\":");
  if (path) str(t, path);
  else hw_text_add(t, "null");
  hw_text_add(t, ",\"manifest\":");
  hw_manifest_trace_json(t, manifest);
  hw_text_add(t, "}");
}

void hw_trace_header_line(hw_text *t, const char *host, const char *backend, const char *name, const char *version, const char *sha256,
                          const char *path, const hw_manifest *manifest, uint32_t fuel, uint32_t op_cap, int log, json_t *platform) {
  hw_text_addf(t, "{\"t\":\"header\",\"format\":\"heapwise-trace\",\"version\":%d,\"abi\":\"1.0\",\"host\":", HW_TRACE_VERSION);
  str(t, host);
  hw_text_add(t, ",\"backend\":");
  str(t, backend);
  hw_text_add(t, ",\"policy\":");
  policy_text(t, name, version, sha256, path, manifest);
  hw_text_addf(t, ",\"limits\":{\"fuel\":%u,\"opCap\":%u,\"log\":%s},\"platform\":", fuel, op_cap, log ? "true" : "false");
  char *p = json_dumps(platform, JSON_COMPACT | JSON_ENCODE_ANY);
  hw_text_add(t, p ? p : "null");
  free(p);
  hw_text_add(t, "}");
}

void hw_trace_log_line(hw_text *t, uint32_t i, uint32_t fd, const char *text, size_t len) {
  hw_text_addf(t, "{\"t\":\"log\",\"i\":%u,\"fd\":%u,\"text\":", i, fd);
  hw_text_json_string(t, text, len);
  hw_text_add(t, "}");
}

void hw_trace_swap_line(hw_text *t, uint32_t i, const char *reason, const char *name, const char *version, const char *sha256, const char *path,
                        const hw_manifest *manifest) {
  hw_text_addf(t, "{\"t\":\"swap\",\"i\":%u,\"reason\":\"%s\",\"policy\":", i, reason);
  policy_text(t, name, version, sha256, path, manifest);
  hw_text_add(t, "}");
}

void hw_trace_call_line(hw_text *t, const hw_call_record *c) {
  hw_text_addf(t, "{\"t\":\"call\",\"n\":%u,\"op\":\"%s\",\"buf\":%u", c->n, c->op, c->buf);
  if (!strcmp(c->op, "alloc")) {
    hw_text_addf(t, ",\"size\":\"%llu\",\"devices\":[", (unsigned long long)c->size);
    for (size_t i = 0; i < c->device_count; i++) {
      if (i) hw_text_add(t, ",");
      str(t, c->devices[i]);
    }
    hw_text_addf(t, "],\"cpu\":\"%s\",\"protected\":%s,\"name\":", hw_access_name(c->cpu), c->protected_content ? "true" : "false");
    if (c->name) str(t, c->name);
    else hw_text_add(t, "null");
    hw_text_addf(t, ",\"deferred\":%s", c->deferred ? "true" : "false");
  } else if (!strcmp(c->op, "attach") || !strcmp(c->op, "device_end")) {
    hw_text_add(t, ",\"device\":");
    str(t, c->device);
  } else if (!strcmp(c->op, "device_begin")) {
    hw_text_add(t, ",\"device\":");
    str(t, c->device);
    hw_text_addf(t, ",\"access\":\"%s\"", hw_access_name(c->access));
  } else if (!strcmp(c->op, "cpu_begin")) {
    hw_text_addf(t, ",\"access\":\"%s\"", hw_access_name(c->access));
  }
  hw_text_add(t, "}");
}

void hw_trace_event_line(hw_text *t, const hw_event_record *e) {
  const char *kind = hw_event_kind_name(e->kind);
  hw_text_addf(t, "{\"t\":\"event\",\"i\":%u,\"n\":%u,\"kind\":\"%s\",\"buf\":%u,\"device\":", e->index, e->call, kind ? kind : "?", e->buf);
  idx(t, e->device);
  hw_text_addf(t, ",\"access\":%u,\"size\":\"%llu\",\"devices\":\"%llu\",\"failedHeaps\":\"%llu\",\"heap\":", e->access,
               (unsigned long long)e->size, (unsigned long long)e->devices, (unsigned long long)e->failed_heaps);
  idx(t, e->heap);
  hw_text_addf(t, ",\"cpu\":%u,\"flags\":%u,\"lastErrno\":%u,\"name\":", e->cpu, e->flags, e->last_errno);
  const uint8_t *name = e->name;
  size_t n = e->name_len;
  /* TextDecoder drops a leading byte order mark. */
  if (n >= 3 && name[0] == 0xef && name[1] == 0xbb && name[2] == 0xbf) name += 3, n -= 3;
  hw_text_json_string(t, (const char *)name, n);
  hw_text_add(t, ",\"usage\":");
  if (e->usage) {
    hw_text_add(t, "[");
    for (size_t i = 0; i < e->usage_count; i++) hw_text_addf(t, "%s\"%llu\"", i ? "," : "", (unsigned long long)e->usage[i]);
    hw_text_add(t, "]");
  } else {
    hw_text_add(t, "null");
  }
  hw_text_add(t, ",\"state\":\"");
  hw_text_hex(t, e->state, sizeof e->state);
  hw_text_add(t, "\"}");
}

void hw_trace_answer_line(hw_text *t, uint32_t i, const hw_outcome *out) {
  hw_text_addf(t, "{\"t\":\"answer\",\"i\":%u,\"ops\":[", i);
  for (uint32_t k = 0; k < out->op_count; k++) {
    const hw_op_rec *op = &out->ops[k];
    const char *kind = hw_op_kind_name(op->kind);
    if (k) hw_text_add(t, ",");
    if (kind) hw_text_addf(t, "{\"kind\":\"%s\"", kind);
    else hw_text_addf(t, "{\"kind\":\"%u\"", op->kind);
    hw_text_addf(t, ",\"buf\":%u,\"heap\":", op->buf);
    idx(t, op->heap);
    hw_text_addf(t, ",\"arg\":%u,\"value\":\"%llu\"", op->arg, (unsigned long long)op->value);
    if (op->has_name) {
      hw_text_add(t, ",\"name\":");
      hw_text_json_string(t, op->name, op->name_len);
    }
    hw_text_add(t, "}");
  }
  hw_text_add(t, "],\"explain\":[");
  for (uint32_t k = 0; k < out->explain_count; k++) {
    const hw_explain *x = &out->explains[k];
    hw_text_addf(t, "%s[%u,%u,%u,", k ? "," : "", x->subject, x->verdict, x->code);
    idx(t, x->heap);
    hw_text_add(t, ",");
    idx(t, x->device);
    hw_text_addf(t, ",%u]", x->detail);
  }
  hw_text_add(t, "],\"state\":\"");
  hw_text_hex(t, out->state, sizeof out->state);
  hw_text_add(t, "\"}");
}

void hw_trace_fault_line(hw_text *t, uint32_t i, const char *kind, const char *message) {
  hw_text_addf(t, "{\"t\":\"fault\",\"i\":%u,\"kind\":\"%s\",\"message\":", i, kind);
  str(t, message);
  hw_text_add(t, "}");
}

void hw_trace_result_line(hw_text *t, uint32_t i, uint32_t op, int ok, int fd, int err) {
  if (ok) {
    if (fd >= 0) hw_text_addf(t, "{\"t\":\"result\",\"i\":%u,\"op\":%u,\"ok\":true,\"fd\":%d}", i, op, fd);
    else hw_text_addf(t, "{\"t\":\"result\",\"i\":%u,\"op\":%u,\"ok\":true}", i, op);
    return;
  }
  char eb[32];
  hw_text_addf(t, "{\"t\":\"result\",\"i\":%u,\"op\":%u,\"ok\":false,\"errno\":%d,\"code\":\"%s\"}", i, op, err, hw_errno_name(err, eb, sizeof eb));
}

void hw_trace_end_line(hw_text *t, uint32_t calls, uint32_t events) {
  hw_text_addf(t, "{\"t\":\"end\",\"calls\":%u,\"events\":%u}", calls, events);
}
