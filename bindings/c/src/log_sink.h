/* The log sink a debug build gets with the log capability (host/module/instance.ts): wasi
 * fd_write to fds 1 and 2 collects text, decoded as TextDecoder decodes it, split into lines at
 * '\n' (a partial line waits for the next write, on its own fd), attributed to the call in
 * progress. Lines written while loading and in hw_init are dropped; those of hw_event are the
 * event's log lines. */
#ifndef HW_LOG_SINK_H
#define HW_LOG_SINK_H

#include <stddef.h>
#include <stdint.h>

#include "text.h"

typedef struct hw_log_line {
  uint32_t fd; /* 1 or 2 */
  char *text;  /* UTF-8, without the '\n' */
  size_t len;
} hw_log_line;

typedef struct hw_log_sink {
  hw_log_line *lines; /* complete lines of the current call */
  size_t count, cap;
  hw_text partial[2]; /* per fd: text after the last '\n' */
  /* Reads guest memory (it moves when the module grows it). */
  uint8_t *(*memory)(void *ctx, uint64_t *size);
  void *ctx;
} hw_log_sink;

/* Most bytes one fd_write may hand over: beyond, the call traps (a guest looping on a 16 MiB
 * iovec must not make the host allocate gigabytes). */
#define HW_LOG_WRITE_CAP (1u << 20)

/* wasi fd_write on the sink: 0, 8 (EBADF: not fd 1 or 2), 21 (EFAULT: an iovec's bytes outside
 * memory), or -1 to trap (the iovec array or nwritten outside memory, or past the cap). */
int32_t hw_log_fd_write(hw_log_sink *s, uint32_t fd, uint32_t iovs, uint32_t count, uint32_t nwritten);
/* Drops the complete lines (a new call begins); partial lines stay. */
void hw_log_clear(hw_log_sink *s);
void hw_log_free(hw_log_sink *s);
/* Appends the UTF-8 of `bytes` decoded as `new TextDecoder().decode(bytes)` does: a leading
 * byte order mark dropped, every ill-formed sequence replaced by U+FFFD (WHATWG Encoding). */
void hw_utf8_decode_replacing(hw_text *out, const uint8_t *bytes, size_t n);

#endif
