/* The debug build's log sink, byte for byte as the Node host collects it. */
#include <stdlib.h>
#include <string.h>

#include "log_sink.h"

static void add_replacement(hw_text *out) { hw_text_addn(out, "\xef\xbf\xbd", 3); }

/* WHATWG UTF-8 decoder: a sequence that goes wrong emits one U+FFFD and the offending byte is
 * looked at again as the start of the next sequence; a truncated sequence at the end is one
 * U+FFFD. */
void hw_utf8_decode_replacing(hw_text *out, const uint8_t *b, size_t n) {
  size_t i = 0;
  if (n >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf) i = 3;
  while (i < n) {
    uint8_t c = b[i];
    if (c < 0x80) {
      hw_text_addn(out, (const char *)&b[i], 1);
      i++;
      continue;
    }
    size_t need;
    uint8_t lower = 0x80, upper = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c == 0xe0) lower = 0xa0;
      if (c == 0xed) upper = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c == 0xf0) lower = 0x90;
      if (c == 0xf4) upper = 0x8f;
    } else {
      add_replacement(out);
      i++;
      continue;
    }
    size_t k = 1;
    while (k <= need) {
      if (i + k >= n) break;
      uint8_t d = b[i + k];
      if (d < lower || d > upper) break;
      lower = 0x80, upper = 0xbf;
      k++;
    }
    if (k == need + 1) {
      hw_text_addn(out, (const char *)&b[i], k);
      i += k;
    } else {
      /* Bytes i .. i+k-1 were a valid prefix: one replacement, then go on at i+k. */
      add_replacement(out);
      i += k;
    }
  }
}

static uint32_t get32(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

static int push_line(hw_log_sink *s, uint32_t fd, const char *text, size_t len) {
  if (s->count == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 8;
    hw_log_line *l = realloc(s->lines, cap * sizeof *l);
    if (!l) return 0;
    s->lines = l;
    s->cap = cap;
  }
  char *copy = malloc(len + 1);
  if (!copy) return 0;
  memcpy(copy, text, len);
  copy[len] = 0;
  s->lines[s->count++] = (hw_log_line){fd, copy, len};
  return 1;
}

/* (partial + text).split('\n'): every piece but the last is a line, the last waits. */
static int collect(hw_log_sink *s, uint32_t fd, const hw_text *text) {
  hw_text *partial = &s->partial[fd - 1];
  hw_text_addn(partial, text->s ? text->s : "", text->len);
  if (partial->failed) return 0;
  size_t start = 0;
  for (size_t i = 0; i < partial->len; i++) {
    if (partial->s[i] != '\n') continue;
    if (!push_line(s, fd, partial->s + start, i - start)) return 0;
    start = i + 1;
  }
  if (start) {
    memmove(partial->s, partial->s + start, partial->len - start);
    partial->len -= start;
    partial->s[partial->len] = 0;
  }
  return 1;
}

int32_t hw_log_fd_write(hw_log_sink *s, uint32_t fd, uint32_t iovs, uint32_t count, uint32_t nwritten) {
  if (fd != 1 && fd != 2) return 8;
  uint64_t size;
  uint8_t *mem = s->memory(s->ctx, &size);
  hw_text text = {0};
  uint64_t bytes = 0;
  uint32_t total = 0;
  for (uint32_t i = 0; i < count; i++) {
    uint64_t at = (uint64_t)iovs + (uint64_t)i * 8;
    if (at + 8 > size) {
      hw_text_free(&text);
      return -1;
    }
    uint32_t ptr = get32(mem + at), len = get32(mem + at + 4);
    if ((uint64_t)ptr + len > size) {
      hw_text_free(&text);
      return 21;
    }
    bytes += len;
    if (bytes > HW_LOG_WRITE_CAP) {
      hw_text_free(&text);
      return -1;
    }
    /* Each iovec is its own TextDecoder().decode(): a BOM at the start of any of them goes. */
    hw_utf8_decode_replacing(&text, mem + ptr, len);
    total += len;
  }
  int ok = !text.failed && collect(s, fd, &text);
  hw_text_free(&text);
  /* The text is collected before nwritten is written back: an nwritten outside memory traps
   * after the lines were taken, as in the Node host (its DataView throws at that point). */
  if (!ok || (uint64_t)nwritten + 4 > size) return -1;
  memcpy(mem + nwritten, &total, 4);
  return 0;
}

void hw_log_clear(hw_log_sink *s) {
  for (size_t i = 0; i < s->count; i++) free(s->lines[i].text);
  s->count = 0;
}

void hw_log_free(hw_log_sink *s) {
  hw_log_clear(s);
  free(s->lines);
  s->lines = NULL;
  s->cap = 0;
  hw_text_free(&s->partial[0]);
  hw_text_free(&s->partial[1]);
}
