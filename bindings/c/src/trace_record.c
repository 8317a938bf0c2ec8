/* Recording: each record as a JSON line (trace_lines.c) or a binary record
 * (trace_binary_encode.c), whichever the recording was started with. */
#include <stdlib.h>
#include <unistd.h>

#include "trace.h"

/* Writes the line built in tr->line plus "\n". */
static void emit(hw_trace *tr) {
  if (tr->line.failed) tr->write_failed = 1;
  else if (fwrite(tr->line.s ? tr->line.s : "", 1, tr->line.len, tr->out) != tr->line.len || fputc('\n', tr->out) == EOF) tr->write_failed = 1;
  hw_text_reset(&tr->line);
}

void hw_trace_header(hw_trace *tr, const char *host, const char *backend, const char *name, const char *version, const char *sha256,
                     const char *path, const hw_manifest *manifest, uint32_t fuel, uint32_t op_cap, int log, json_t *platform) {
  if (!tr->binary) {
    hw_trace_header_line(&tr->line, host, backend, name, version, sha256, path, manifest, fuel, op_cap, log, platform);
    emit(tr);
    return;
  }
  /* The platform as the header line carries it: the dump of this record is that line. */
  char *text = json_dumps(platform, JSON_COMPACT | JSON_ENCODE_ANY);
  hw_bin_write_header(&tr->blocks, host, backend, name, version, sha256, path, manifest, fuel, op_cap, log, text ? text : "null");
  free(text);
}

void hw_trace_call(hw_trace *tr, const hw_call_record *c) {
  tr->calls++;
  if (tr->binary) {
    hw_bin_write_call(&tr->blocks, tr->platform, c);
    return;
  }
  hw_trace_call_line(&tr->line, c);
  emit(tr);
}

void hw_trace_event(hw_trace *tr, const hw_event_record *e, const uint8_t *image, uint32_t len) {
  tr->events++;
  if (tr->binary) {
    hw_bin_write_event(&tr->blocks, e->index, e->call, image, len);
    return;
  }
  hw_trace_event_line(&tr->line, e);
  emit(tr);
}

void hw_trace_log(hw_trace *tr, uint32_t i, uint32_t fd, const char *text, size_t len) {
  if (tr->binary) {
    hw_bin_write_log(&tr->blocks, i, fd, text, len);
    return;
  }
  hw_trace_log_line(&tr->line, i, fd, text, len);
  emit(tr);
}

void hw_trace_answer(hw_trace *tr, uint32_t i, const hw_outcome *out, const uint8_t *output) {
  if (tr->binary) {
    hw_bin_write_answer(&tr->blocks, i, output);
    return;
  }
  hw_trace_answer_line(&tr->line, i, out);
  emit(tr);
}

void hw_trace_fault(hw_trace *tr, uint32_t i, const char *kind, const char *message) {
  if (tr->binary) {
    hw_bin_write_fault(&tr->blocks, i, kind, message);
    return;
  }
  hw_trace_fault_line(&tr->line, i, kind, message);
  emit(tr);
}

void hw_trace_result(hw_trace *tr, uint32_t i, uint32_t op, int ok, int fd, int err) {
  if (tr->binary) {
    hw_bin_write_result(&tr->blocks, i, op, ok, fd, err);
    return;
  }
  hw_trace_result_line(&tr->line, i, op, ok, fd, err);
  emit(tr);
}

void hw_trace_swap(hw_trace *tr, uint32_t i, const char *reason, const char *name, const char *version, const char *sha256, const char *path,
                   const hw_manifest *manifest) {
  if (tr->binary) {
    hw_bin_write_swap(&tr->blocks, i, reason, name, version, sha256, path, manifest);
    return;
  }
  hw_trace_swap_line(&tr->line, i, reason, name, version, sha256, path, manifest);
  emit(tr);
}

void hw_trace_end(hw_trace *tr) {
  if (tr->binary) {
    hw_bin_write_end(&tr->blocks, tr->calls, tr->events);
    if (!hw_block_writer_flush(&tr->blocks)) tr->write_failed = 1;
    return;
  }
  hw_trace_end_line(&tr->line, tr->calls, tr->events);
  emit(tr);
}

void hw_trace_discard(hw_trace *tr) {
  if (!tr) return;
  if (tr->owned && tr->out) fclose(tr->out);
  if (tr->tmp) unlink(tr->tmp);
  hw_text_free(&tr->line);
  hw_block_writer_free(&tr->blocks);
  free(tr->path);
  free(tr->tmp);
  free(tr->target);
  free(tr);
}
