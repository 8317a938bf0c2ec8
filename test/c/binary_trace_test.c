/* Binary traces (.hwtrace) through the C API: the encoding a name asks for, a recording that
 * replays identically and diverges where its JSON Lines twin does, the temporary file of a
 * recording that never finished removed, and damaged traces refused in process (HW_ERR_INPUT
 * naming the file, byte offset and record) without a crash, whatever byte is changed. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "heapwise.h"
#include "sessions.h"

static char tmpl[] = "/tmp/heapwise-binary-XXXXXX";
static const char *dir;

static void in_tmp(char *out, size_t cap, const char *name) { snprintf(out, cap, "%s/%s", dir, name); }

/* A small session of the default policy on the laptop platform, recorded to `path` (by name), or
 * when `out` is given to that FILE in binary. With finish 0 the engine is deleted before the
 * recording finishes (a failed run). */
static hw_status_t record_to(const char *path, FILE *out, int finish) {
  hw_platform_t *p = NULL;
  hw_policy_t *pol = NULL;
  hw_engine_t *e = NULL;
  hw_platform_load_file(HW_ROOT "/examples/platforms/x86-laptop.json", &p, NULL);
  hw_policy_load_builtin("default", NULL, &pol, NULL);
  hw_status_t st = hw_engine_new(pol, p, NULL, &e, NULL);
  if (st == HW_OK) st = out ? hw_engine_trace_start_as(e, out, HW_TRACE_BINARY, NULL) : hw_engine_trace_open(e, path, NULL);
  if (st == HW_OK) st = camera_session(e, p, 3, 1);
  if (st == HW_OK && finish) st = hw_engine_trace_finish(e);
  hw_engine_delete(e);
  hw_policy_delete(pol);
  hw_platform_delete(p);
  return st;
}

static hw_status_t record(const char *path, int finish) { return record_to(path, NULL, finish); }

static unsigned char *slurp(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  unsigned char *b = malloc(1 << 20);
  *n = fread(b, 1, 1 << 20, f);
  fclose(f);
  return b;
}

static void spit(const char *path, const unsigned char *b, size_t n) {
  FILE *f = fopen(path, "wb");
  fwrite(b, 1, n, f);
  fclose(f);
}

/* CRC-32 bit by bit, independent of the library's table. */
static uint32_t crc_bitwise(const unsigned char *b, size_t n) {
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < n; i++) {
    c ^= b[i];
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
  }
  return ~c;
}

static uint32_t get32(const unsigned char *b) { return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24; }
static void put32(unsigned char *b, uint32_t v) { for (int k = 0; k < 4; k++) b[k] = (unsigned char)(v >> (8 * k)); }

/* Recomputes every block's CRC (so that only a deliberate change is judged). */
static void fix_crcs(unsigned char *b, size_t n) {
  for (size_t p = 12; p + 8 <= n;) {
    uint32_t len = get32(b + p);
    if (len > n - p - 8) return;
    put32(b + p + 4, crc_bitwise(b + p + 8, len));
    p += 8 + len;
  }
}

static void format_rule(void) {
  CHECK(hw_trace_format_for_path("x.hwtrace") == HW_TRACE_BINARY && hw_trace_format_for_path("/a/b.HWTrace") == HW_TRACE_BINARY, "binary by name");
  CHECK(hw_trace_format_for_path("x.jsonl") == HW_TRACE_JSONL && hw_trace_format_for_path("x.hwtrace.txt") == HW_TRACE_JSONL &&
            hw_trace_format_for_path("hwtrace") == HW_TRACE_JSONL && hw_trace_format_for_path(NULL) == HW_TRACE_JSONL,
        "JSON Lines otherwise");
}

static void records_and_replays(void) {
  char bin[512], text[512];
  in_tmp(bin, sizeof bin, "s.hwtrace");
  in_tmp(text, sizeof text, "s.jsonl");
  CHECK(record(bin, 1) == HW_OK && record(text, 1) == HW_OK, "record");
  size_t n;
  unsigned char *b = slurp(bin, &n), *t = slurp(text, &n);
  CHECK(b && !memcmp(b, "HWTRACE\0\2\0\0\0", 12), "magic and version 2");
  CHECK(t && t[0] == '{', "JSON Lines");
  uint32_t len = get32(b + 12);
  CHECK(get32(b + 16) == crc_bitwise(b + 20, len), "block CRC-32 0x%08x, bitwise 0x%08x", get32(b + 16), crc_bitwise(b + 20, len));
  /* The same session to a FILE of the caller's: the same bytes. */
  char own[512];
  in_tmp(own, sizeof own, "own.hwtrace");
  FILE *f = fopen(own, "wb");
  CHECK(record_to(NULL, f, 1) == HW_OK, "record to a FILE");
  fclose(f);
  size_t n2;
  unsigned char *b2 = slurp(own, &n2), *b1 = slurp(bin, &n);
  CHECK(b2 && n2 == n && !memcmp(b1, b2, n), "%zu and %zu bytes", n, n2);
  free(b1);
  free(b2);
  free(b);
  free(t);
  hw_policy_t *def = NULL, *naive = NULL;
  hw_policy_load_builtin("default", NULL, &def, NULL);
  hw_policy_load_file(HW_BUILD_DIR "/policies/naive.so", NULL, &naive, NULL);
  hw_replay_result_t r, rt;
  hw_error_t *err = NULL;
  hw_status_t st = hw_replay_file(bin, def, &r, &err);
  CHECK_STATUS(st, HW_OK, hw_error_message(err));
  CHECK(r.events > 10 && !r.diverged, "events %u", r.events);
  CHECK_STATUS(hw_replay_file(bin, naive, &r, &err), HW_ERR_DIVERGED, hw_error_message(err));
  hw_error_delete(err);
  err = NULL;
  CHECK_STATUS(hw_replay_file(text, naive, &rt, &err), HW_ERR_DIVERGED, hw_error_message(err));
  hw_error_delete(err);
  CHECK(r.index == rt.index && r.line == rt.line && !strcmp(r.expected, rt.expected) && !strcmp(r.actual, rt.actual),
        "binary: event %u line %u %s / %s\njsonl: event %u line %u %s / %s", r.index, r.line, r.expected, r.actual, rt.index, rt.line, rt.expected, rt.actual);
  hw_replay_result_clear(&r);
  hw_replay_result_clear(&rt);
  hw_policy_delete(def);
  hw_policy_delete(naive);
}

static void unfinished_leaves_nothing(void) {
  char bin[512];
  in_tmp(bin, sizeof bin, "unfinished.hwtrace");
  CHECK(record(bin, 0) == HW_OK, "session");
  struct stat sb;
  CHECK(stat(bin, &sb) != 0, "no trace at %s", bin);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "ls %s | grep -q unfinished", dir);
  CHECK(system(cmd) != 0, "no temporary file left in %s", dir);
  hw_platform_t *p = NULL;
  hw_policy_t *pol = NULL;
  hw_engine_t *e = NULL;
  hw_platform_load_file(HW_ROOT "/examples/platforms/x86-laptop.json", &p, NULL);
  hw_policy_load_builtin("default", NULL, &pol, NULL);
  hw_engine_new(pol, p, NULL, &e, NULL);
  hw_status_t st = hw_engine_trace_open(e, "/nonexistent/dir/t.hwtrace", NULL);
  CHECK(st == HW_ERR_IO && strstr(hw_engine_last_error(e), "/nonexistent/dir/t.hwtrace: cannot write trace"), "%s", hw_engine_last_error(e));
  hw_engine_delete(e);
  hw_policy_delete(pol);
  hw_platform_delete(p);
}

/* Replays `b` (n bytes) written to bad.hwtrace: the status, and the message in msg. */
static hw_status_t replay_bytes(const unsigned char *b, size_t n, const hw_policy_t *pol, char *msg, size_t cap) {
  char bad[512];
  in_tmp(bad, sizeof bad, "bad.hwtrace");
  spit(bad, b, n);
  return replay_message(bad, pol, msg, cap);
}

static void damaged_refused(void) {
  char bin[512], msg[1024];
  in_tmp(bin, sizeof bin, "d.hwtrace");
  CHECK(record(bin, 1) == HW_OK, "record");
  size_t n;
  unsigned char *good = slurp(bin, &n), *b = malloc(n + 8);
  hw_policy_t *def = NULL;
  hw_policy_load_builtin("default", NULL, &def, NULL);
  struct { const char *name; size_t len; long at; unsigned char xor; int fix; const char *want; } cases[] = {
      {"truncated", n - 3, -1, 0, 0, "truncated: block of"},
      {"header only", 12, -1, 0, 0, "at byte 12 (record 1): truncated: no end record after 0 records"},
      {"bit flip", n, 40, 0x04, 0, "corrupted block: CRC-32"},
      {"future version", n, 8, 0x01, 0, "at byte 8: binary trace format version 3; this reader knows versions 1 and 2"},
      {"bad magic", n, 0, 0x01, 0, "at byte 0: neither a JSON Lines trace"},
      {"block length 0", n, 12, 0, 0, NULL},
      {"not a header first", n, 20, 0x0b, 1, "at byte 20 (record 1): record type 10 record: the first record must be the header"},
      {"bytes after the end", n + 2, -1, 0, 0, "bytes after the block holding the end record"},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    memcpy(b, good, n);
    memset(b + n, 0x5a, 8);
    if (cases[k].at >= 0) b[cases[k].at] ^= cases[k].xor;
    if (!strcmp(cases[k].name, "block length 0")) put32(b + 12, 0);
    if (cases[k].fix) fix_crcs(b, n);
    hw_status_t st = replay_bytes(b, cases[k].len, def, msg, sizeof msg);
    const char *want = cases[k].want ? cases[k].want : "corrupted block length 0 (1 to 16777216)";
    CHECK(st == HW_ERR_INPUT && strstr(msg, "bad.hwtrace at byte ") && strstr(msg, want), "%s: %s: %s", cases[k].name, hw_status_name(st), msg);
  }
  /* Every byte changed once, the CRCs fixed: refused, identical or divergent; never a crash. */
  unsigned counts[11] = {0};
  for (size_t at = 12; at < n; at += 7) {
    memcpy(b, good, n);
    b[at] ^= (unsigned char)(at * 31 + 1);
    fix_crcs(b, n);
    hw_status_t st = replay_bytes(b, n, def, msg, sizeof msg);
    CHECK(st == HW_OK || st == HW_ERR_INPUT || st == HW_ERR_DIVERGED, "byte %zu: %s: %s", at, hw_status_name(st), msg);
    counts[st]++;
  }
  CHECK(counts[HW_ERR_INPUT] > 0 && counts[HW_ERR_DIVERGED] > 0, "refused %u, divergent %u, identical %u", counts[HW_ERR_INPUT], counts[HW_ERR_DIVERGED], counts[HW_OK]);
  free(good);
  free(b);
  hw_policy_delete(def);
}

int main(void) {
  check_suite = "binary-trace";
  dir = mkdtemp(tmpl);
  RUN(format_rule, "the encoding by name: .hwtrace (any case) binary, anything else JSON Lines");
  RUN(records_and_replays, "a binary recording replays identically, and diverges where its JSON Lines twin does");
  RUN(unfinished_leaves_nothing, "a recording that never finished leaves no file; an unwritable path names it");
  RUN(damaged_refused, "damaged binary traces refused with file, byte and record; any changed byte: refused or replayed, no crash");
  return check_report_removing(dir);
}
