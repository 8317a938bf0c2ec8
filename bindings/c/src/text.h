/* A growing line of text: what trace lines, messages and JSON are built in. */
#ifndef HW_TEXT_H
#define HW_TEXT_H

#include <stddef.h>
#include <stdint.h>

typedef struct hw_text {
  char *s;
  size_t len, cap;
  int failed; /* an allocation failed: the text is incomplete */
} hw_text;

void hw_text_reset(hw_text *t);
void hw_text_free(hw_text *t);
void hw_text_add(hw_text *t, const char *s);
void hw_text_addn(hw_text *t, const char *s, size_t n);
void hw_text_addf(hw_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hw_text_u64(hw_text *t, uint64_t v);
/* A JSON string literal exactly as JSON.stringify writes it for valid UTF-8 input. */
void hw_text_json_string(hw_text *t, const char *s, size_t n);
/* The same as a string of its own (malloc'd; NULL when out of memory): names in messages,
 * unambiguous even with a NUL. */
char *hw_text_json_quoted(const char *s, size_t n);
/* Lowercase hex of n bytes. */
void hw_text_hex(hw_text *t, const uint8_t *b, size_t n);
/* Hands the buffer to the caller (malloc'd, NUL-terminated) and resets t. */
char *hw_text_take(hw_text *t);

#endif
