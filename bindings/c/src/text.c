/* Growing text buffers with the JSON string escaping of JSON.stringify. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

static int reserve(hw_text *t, size_t extra) {
  if (t->failed) return 0;
  if (t->len + extra + 1 <= t->cap) return 1;
  size_t cap = t->cap ? t->cap : 128;
  while (cap < t->len + extra + 1) cap *= 2;
  char *s = realloc(t->s, cap);
  if (!s) {
    t->failed = 1;
    return 0;
  }
  t->s = s;
  t->cap = cap;
  return 1;
}

void hw_text_reset(hw_text *t) {
  t->len = 0;
  t->failed = 0;
  if (t->s) t->s[0] = 0;
}

void hw_text_free(hw_text *t) {
  free(t->s);
  t->s = NULL;
  t->len = t->cap = 0;
  t->failed = 0;
}

void hw_text_addn(hw_text *t, const char *s, size_t n) {
  if (!reserve(t, n)) return;
  memcpy(t->s + t->len, s, n);
  t->len += n;
  t->s[t->len] = 0;
}

void hw_text_add(hw_text *t, const char *s) {
  hw_text_addn(t, s, strlen(s));
}

void hw_text_addf(hw_text *t, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char small[256];
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) {
    t->failed = 1;
    return;
  }
  if ((size_t)n < sizeof small) {
    hw_text_addn(t, small, (size_t)n);
    return;
  }
  if (!reserve(t, (size_t)n)) return;
  va_start(ap, fmt);
  vsnprintf(t->s + t->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  t->len += (size_t)n;
}

void hw_text_u64(hw_text *t, uint64_t v) {
  hw_text_addf(t, "%llu", (unsigned long long)v);
}

void hw_text_json_string(hw_text *t, const char *s, size_t n) {
  static const char hexd[] = "0123456789abcdef";
  hw_text_addn(t, "\"", 1);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    switch (c) {
      case '"': hw_text_addn(t, "\\\"", 2); break;
      case '\\': hw_text_addn(t, "\\\\", 2); break;
      case '\b': hw_text_addn(t, "\\b", 2); break;
      case '\f': hw_text_addn(t, "\\f", 2); break;
      case '\n': hw_text_addn(t, "\\n", 2); break;
      case '\r': hw_text_addn(t, "\\r", 2); break;
      case '\t': hw_text_addn(t, "\\t", 2); break;
      default:
        if (c < 0x20) {
          char u[6] = {'\\', 'u', '0', '0', hexd[c >> 4], hexd[c & 15]};
          hw_text_addn(t, u, 6);
        } else {
          /* Non-ASCII UTF-8 passes through, as JSON.stringify leaves it. */
          hw_text_addn(t, (const char *)&s[i], 1);
        }
    }
  }
  hw_text_addn(t, "\"", 1);
}

void hw_text_hex(hw_text *t, const uint8_t *b, size_t n) {
  static const char hexd[] = "0123456789abcdef";
  if (!reserve(t, n * 2)) return;
  for (size_t i = 0; i < n; i++) {
    t->s[t->len++] = hexd[b[i] >> 4];
    t->s[t->len++] = hexd[b[i] & 15];
  }
  t->s[t->len] = 0;
}

char *hw_text_json_quoted(const char *s, size_t n) {
  hw_text t = {0};
  hw_text_json_string(&t, s, n);
  return hw_text_take(&t);
}

char *hw_text_take(hw_text *t) {
  if (t->failed) {
    hw_text_free(t);
    return NULL;
  }
  if (!t->s) {
    char *e = calloc(1, 1);
    return e;
  }
  char *s = t->s;
  t->s = NULL;
  t->len = t->cap = 0;
  return s;
}
