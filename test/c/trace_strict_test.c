/* Damaged traces are bad input (exit 2), never "identical": every field typed, results numbered
 * after their answer and complete before the next call, event, swap or end, none after a fault,
 * calls and events counted from 0 (docs/trace.md "Errors"). Each damage of a C recording, in
 * JSON Lines (the message names file and line) and in binary where the format can express it
 * (byte offset and record index). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "heapwise.h"
#include "sessions.h"

static char tmpl[] = "/tmp/heapwise-strict-XXXXXX";
static const char *dir;
static hw_policy_t *def;

static void in_tmp(char *out, size_t cap, const char *name) { snprintf(out, cap, "%s/%s", dir, name); }

/* Named buffers (ALLOC + SET_NAME results) and CPU access (SYNC results), by file name's encoding. */
static hw_status_t record(const char *path) {
  hw_platform_t *p = NULL;
  hw_engine_t *e = NULL;
  hw_platform_load_file(HW_ROOT "/examples/platforms/x86-laptop.json", &p, NULL);
  hw_status_t st = hw_engine_new(def, p, NULL, &e, NULL);
  if (st == HW_OK) st = hw_engine_trace_open(e, path, NULL);
  if (st == HW_OK) st = camera_session(e, p, 2, 0);
  if (st == HW_OK) st = hw_engine_trace_finish(e);
  hw_engine_delete(e);
  hw_platform_delete(p);
  return st;
}

static hw_status_t replay(const char *path, char *msg, size_t cap) { return replay_message(path, def, msg, cap); }

/* ---- JSON Lines: the trace as lines, damaged by line ------------------------------------------ */

#define MAX_LINES 512
static char *lines[MAX_LINES];
static int nlines;

static int load_lines(const char *path) {
  FILE *f = fopen(path, "r");
  char *l = NULL;
  size_t cap = 0;
  nlines = 0;
  while (f && nlines < MAX_LINES && getline(&l, &cap, f) > 0) lines[nlines++] = strdup(l);
  free(l);
  if (f) fclose(f);
  return nlines;
}

/* Writes the lines but `skip` (-1: none) to bad.jsonl. */
static void write_lines(char *path, size_t cap, char **ls, int n, int skip) {
  in_tmp(path, cap, "bad.jsonl");
  FILE *f = fopen(path, "w");
  for (int k = 0; k < n; k++) if (k != skip) fputs(ls[k], f);
  fclose(f);
}

/* The first line (from `from`) containing every one of the strings, or -1. */
static int find(int from, const char *a, const char *b) {
  for (int k = from; k < nlines; k++) if (strstr(lines[k], a) && (!b || strstr(lines[k], b))) return k;
  return -1;
}

/* A copy of line k with the first `from` replaced by `to`. */
static char *replaced(int k, const char *from, const char *to) {
  const char *at = strstr(lines[k], from);
  if (!at) return strdup(lines[k]);
  char *s = malloc(strlen(lines[k]) + strlen(to) + 1);
  size_t pre = (size_t)(at - lines[k]);
  memcpy(s, lines[k], pre);
  strcpy(s + pre, to);
  strcat(s, at + strlen(from));
  return s;
}

/* Replays the lines with line k replaced by `with` (NULL: deleted); expects bad input at 1-based
 * line `at` with `want` in the message. */
static int refused_at(int k, char *with, int at, const char *want, char *msg, size_t cap) {
  char *ls[MAX_LINES], path[512];
  memcpy(ls, lines, sizeof(char *) * (size_t)nlines);
  if (with) ls[k] = with;
  write_lines(path, sizeof path, ls, nlines, with ? -1 : k);
  free(with);
  hw_status_t st = replay(path, msg, cap);
  char where[600];
  snprintf(where, sizeof where, "%s at line %d: ", path, at);
  return st == HW_ERR_INPUT && strstr(msg, where) && strstr(msg, want);
}

static void jsonl_damages(void) {
  char path[512], msg[1024];
  in_tmp(path, sizeof path, "good.jsonl");
  CHECK(record(path) == HW_OK, "record");
  CHECK(load_lines(path) > 10, "lines");
  CHECK(replay(path, msg, sizeof msg) == HW_OK, "the recording replays: %s", msg);

  /* A result deleted (sed Nd): the answer's ops are not all settled when the next line comes. */
  int set_name = find(0, "\"t\":\"result\"", "\"op\":1");
  CHECK(set_name > 0, "a SET_NAME result");
  CHECK(refused_at(set_name, NULL, set_name + 1, "1 results for the answer's 2 ops", msg, sizeof msg), "result deleted: %s", msg);
  /* The first result deleted: op 1 comes first. */
  CHECK(refused_at(set_name - 1, NULL, set_name, "result for op 1 out of order (expected op 0)", msg, sizeof msg), "op 0 deleted: %s", msg);

  /* An answer and its following result swapped. */
  int answer = find(0, "\"t\":\"answer\"", NULL);
  CHECK(answer > 0 && strstr(lines[answer + 1], "\"t\":\"result\""), "an answer with results");
  {
    char *ls[MAX_LINES];
    memcpy(ls, lines, sizeof(char *) * (size_t)nlines);
    ls[answer] = lines[answer + 1], ls[answer + 1] = lines[answer];
    write_lines(path, sizeof path, ls, nlines, -1);
    char where[600];
    snprintf(where, sizeof where, "%s at line %d: result for event 0 before its answer", path, answer + 1);
    CHECK(replay(path, msg, sizeof msg) == HW_ERR_INPUT && strstr(msg, where), "swapped: %s", msg);
  }

  /* Mistyped fields. */
  int result = answer + 1, alloc = find(0, "\"op\":\"alloc\"", NULL), event = find(0, "\"t\":\"event\"", NULL);
  CHECK(refused_at(result, replaced(result, "\"ok\":true", "\"ok\":\"yes\""), result + 1, "ok: must be true or false, got \"yes\"", msg, sizeof msg), "ok yes: %s", msg);
  CHECK(refused_at(alloc, replaced(alloc, "\"size\":\"1843200\"", "\"size\":\"banana\""), alloc + 1, "size: must be a decimal string", msg, sizeof msg), "banana: %s", msg);
  CHECK(refused_at(alloc, replaced(alloc, "\"size\":\"1843200\"", "\"size\":\"01843200\""), alloc + 1, "size: must be a decimal string", msg, sizeof msg), "leading 0: %s", msg);
  CHECK(refused_at(alloc, replaced(alloc, "\"size\":\"1843200\"", "\"size\":\"18446744073709551616\""), alloc + 1, "size:", msg, sizeof msg), "2^64: %s", msg);
  CHECK(refused_at(alloc, replaced(alloc, "\"devices\":[\"", "\"devices\":[\"nosuch"), alloc + 1, "devices[0]: \"nosuch", msg, sizeof msg), "device name: %s", msg);
  CHECK(refused_at(alloc, replaced(alloc, "\"cpu\":\"read\"", "\"cpu\":\"sometimes\""), alloc + 1, "cpu: unknown word", msg, sizeof msg), "cpu word: %s", msg);
  CHECK(refused_at(alloc, replaced(alloc, "\"protected\":false", "\"protected\":0"), alloc + 1, "protected: must be true or false", msg, sizeof msg), "bool: %s", msg);
  CHECK(refused_at(alloc, replaced(alloc, "\"op\":\"alloc\"", "\"op\":\"malloc\""), alloc + 1, "op: unknown word", msg, sizeof msg), "call op: %s", msg);
  CHECK(refused_at(event, replaced(event, "\"flags\":", "\"flags\":-1,\"x\":"), event + 1, "flags: must be an integer from 0", msg, sizeof msg), "flags -1: %s", msg);
  CHECK(refused_at(event, replaced(event, "\"kind\":\"PLACE\"", "\"kind\":\"place\""), event + 1, "kind: unknown word", msg, sizeof msg), "event kind: %s", msg);
  CHECK(refused_at(answer, replaced(answer, "\"kind\":\"ALLOC\"", "\"kind\":\"GRAB\""), answer + 1, "ops[0].kind: unknown word", msg, sizeof msg), "op kind: %s", msg);
  CHECK(refused_at(answer, replaced(answer, "\"state\":\"0", "\"state\":\"A"), answer + 1, "state: must be 64 lowercase hex digits", msg, sizeof msg), "state: %s", msg);
  CHECK(refused_at(event, replaced(event, "\"heap\":-1", "\"heap\":9"), event + 1, "heap: index 9 outside the platform's", msg, sizeof msg), "event heap: %s", msg);
  CHECK(refused_at(event, replaced(event, "\"access\":0", "\"access\":4"), event + 1, "access: must be 0 to 3", msg, sizeof msg), "event access: %s", msg);
  int sync = find(0, "\"kind\":\"CPU_BEGIN\"", NULL);
  CHECK(sync > 0 && refused_at(sync, replaced(sync, "\"usage\":null", "\"usage\":[]"), sync + 1, "usage: must be null", msg, sizeof msg), "usage: %s", msg);
  CHECK(refused_at(answer, replaced(answer, "\"kind\":\"ALLOC\",", "\"kind\":\"ALLOC\",\"name\":\"x\","), answer + 1, "ops[0].name: only SET_NAME", msg, sizeof msg), "op name: %s", msg);
  CHECK(refused_at(result, replaced(result, "\"ok\":true", "\"ok\":true,\"errno\":1"), result + 1, "errno: only a failed result", msg, sizeof msg), "ok with errno: %s", msg);
  CHECK(refused_at(answer, strdup("{\"t\":\"note\",\"i\":0}\n"), answer + 1, "unknown line type \"note\"", msg, sizeof msg), "line type: %s", msg);

  /* Results: none after a fault, none after a failed one, none beyond the answer's ops. */
  CHECK(refused_at(answer, strdup("{\"t\":\"fault\",\"i\":0,\"kind\":\"trap\",\"message\":\"x\"}\n"), result + 1, "result for event 0, which faulted", msg, sizeof msg),
        "result after a fault: %s", msg);
  CHECK(refused_at(answer, strdup("{\"t\":\"fault\",\"i\":0,\"kind\":\"oops\",\"message\":\"x\"}\n"), answer + 1, "kind: unknown word", msg, sizeof msg), "fault kind: %s", msg);
  unsigned i = 0;
  CHECK(sscanf(lines[set_name - 1], "{\"t\":\"result\",\"i\":%u", &i) == 1, "op 0's result: %s", lines[set_name - 1]);
  char failed[128];
  snprintf(failed, sizeof failed, "{\"t\":\"result\",\"i\":%u,\"op\":0,\"ok\":false,\"errno\":12,\"code\":\"ENOMEM\"}\n", i);
  CHECK(refused_at(set_name - 1, strdup(failed), set_name + 1, "after op 0 failed", msg, sizeof msg), "after a failed result: %s", msg);
  CHECK(refused_at(set_name, replaced(set_name, "\"op\":1", "\"op\":2"), set_name + 1, "out of order (expected op 1)", msg, sizeof msg), "op gap: %s", msg);

  /* Calls from 0, and each event names the latest call. */
  CHECK(refused_at(alloc, replaced(alloc, "\"n\":0", "\"n\":1"), alloc + 1, "call 1 out of order (expected 0)", msg, sizeof msg), "call n: %s", msg);
  CHECK(refused_at(event, replaced(event, "\"n\":0", "\"n\":7"), event + 1, "event 0 names call 7, but the latest call is 0", msg, sizeof msg), "event n: %s", msg);
  for (int k = 0; k < nlines; k++) free(lines[k]);
}

/* A begin call's access word is any string: the engine records the call before it checks the
 * word (binary: code 255), and a deferred buffer may be placed before the refusal. */
static void refused_word_recorded(void) {
  char path[512], msg[1024];
  in_tmp(path, sizeof path, "good.jsonl");
  CHECK(record(path) == HW_OK, "record");
  CHECK(load_lines(path) > 10, "lines");
  int cpu = find(0, "\"op\":\"cpu_begin\"", NULL);
  CHECK(cpu > 0, "a cpu_begin call");
  char *ls[MAX_LINES];
  memcpy(ls, lines, sizeof(char *) * (size_t)nlines);
  ls[cpu] = replaced(cpu, "\"access\":\"read\"", "\"access\":\"often\"");
  write_lines(path, sizeof path, ls, nlines, -1);
  free(ls[cpu]);
  CHECK(replay(path, msg, sizeof msg) == HW_OK, "a refused word: %s", msg);
  CHECK(refused_at(cpu, replaced(cpu, "\"access\":\"read\"", "\"access\":3"), cpu + 1, "access: must be a string", msg, sizeof msg), "access number: %s", msg);
  for (int k = 0; k < nlines; k++) free(lines[k]);
}

/* ---- binary: the trace as records, rewritten into one block ----------------------------------- */

typedef struct rec {
  uint8_t type;
  uint32_t len;
  unsigned char *p;
} rec;

static rec recs[MAX_LINES];
static int nrecs;
static unsigned char file_head[12];

static uint32_t get32(const unsigned char *b) { return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24; }
static void put32(unsigned char *b, uint32_t v) { for (int k = 0; k < 4; k++) b[k] = (unsigned char)(v >> (8 * k)); }

static uint32_t crc32(const unsigned char *b, size_t n) {
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < n; i++) {
    c ^= b[i];
    for (int k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
  }
  return ~c;
}

static int load_records(const char *path) {
  FILE *f = fopen(path, "rb");
  static unsigned char b[1 << 20];
  size_t n = f ? fread(b, 1, sizeof b, f) : 0;
  if (f) fclose(f);
  memcpy(file_head, b, 12);
  nrecs = 0;
  for (size_t at = 12; at + 8 <= n;) {
    uint32_t blen = get32(b + at);
    for (size_t r = at + 8; r < at + 8 + blen && nrecs < MAX_LINES; nrecs++) {
      recs[nrecs] = (rec){b[r], get32(b + r + 1), b + r + 5};
      r += 5 + recs[nrecs].len;
    }
    at += 8 + blen;
  }
  return nrecs;
}

/* Writes rs (n records) to bad.hwtrace as one block. */
static void write_records(char *path, size_t cap, const rec *rs, int n) {
  static unsigned char out[1 << 20];
  size_t len = 0;
  for (int k = 0; k < n; k++) {
    out[20 + len] = rs[k].type;
    put32(out + 20 + len + 1, rs[k].len);
    memcpy(out + 20 + len + 5, rs[k].p, rs[k].len);
    len += 5 + rs[k].len;
  }
  memcpy(out, file_head, 12);
  put32(out + 12, (uint32_t)len);
  put32(out + 16, crc32(out + 20, len));
  in_tmp(path, cap, "bad.hwtrace");
  FILE *f = fopen(path, "wb");
  fwrite(out, 1, 20 + len, f);
  fclose(f);
}

/* Where record k (0-based) sits once written: "at byte B (record k+1)". */
static void where_record(char *out, size_t cap, const rec *rs, int k) {
  size_t at = 20;
  for (int m = 0; m < k; m++) at += 5 + rs[m].len;
  snprintf(out, cap, "at byte %zu (record %d)", at, k + 1);
}

static int find_rec(int from, uint8_t type) {
  for (int k = from; k < nrecs; k++) if (recs[k].type == type) return k;
  return -1;
}

/* Replays rs; expects bad input at record k (0-based) with want in the message. */
static int bin_refused(const rec *rs, int n, int k, const char *want, char *msg, size_t cap) {
  char path[512], where[128];
  write_records(path, sizeof path, rs, n);
  where_record(where, sizeof where, rs, k);
  hw_status_t st = replay(path, msg, cap);
  return st == HW_ERR_INPUT && strstr(msg, "bad.hwtrace") && strstr(msg, where) && strstr(msg, want);
}

enum { CALL = 2, EVENT = 3, ANSWER = 4, FAULT = 5, RESULT = 6 };

static void binary_damages(void) {
  char path[512], msg[1024];
  rec rs[MAX_LINES];
  in_tmp(path, sizeof path, "good.hwtrace");
  CHECK(record(path) == HW_OK, "record");
  CHECK(load_records(path) > 10, "records");
  write_records(path, sizeof path, recs, nrecs);
  CHECK(replay(path, msg, sizeof msg) == HW_OK, "rewritten, the recording replays: %s", msg);

  /* The SET_NAME result (op 1) deleted: the next record finds the answer unsettled. */
  int r1 = -1;
  for (int k = 0; k < nrecs && r1 < 0; k++) if (recs[k].type == RESULT && get32(recs[k].p + 4) == 1) r1 = k;
  CHECK(r1 > 0, "a SET_NAME result");
  memcpy(rs, recs, sizeof(rec) * (size_t)r1);
  memcpy(rs + r1, recs + r1 + 1, sizeof(rec) * (size_t)(nrecs - r1 - 1));
  CHECK(bin_refused(rs, nrecs - 1, r1, "1 results for the answer's 2 ops", msg, sizeof msg), "result deleted: %s", msg);

  /* An answer and its result swapped. */
  int a = find_rec(0, ANSWER);
  CHECK(a > 0 && recs[a + 1].type == RESULT, "an answer with results");
  memcpy(rs, recs, sizeof(rec) * (size_t)nrecs);
  rs[a] = recs[a + 1], rs[a + 1] = recs[a];
  CHECK(bin_refused(rs, nrecs, a, "result for event 0 before its answer", msg, sizeof msg), "swapped: %s", msg);

  /* The answer replaced by a fault: the results after it are refused (after the divergence). */
  unsigned char fault[4 + 4 + 4 + 4 + 1];
  memcpy(fault, recs[a].p, 4);
  put32(fault + 4, 4), memcpy(fault + 8, "trap", 4), put32(fault + 12, 1), fault[16] = 'x';
  memcpy(rs, recs, sizeof(rec) * (size_t)nrecs);
  rs[a] = (rec){FAULT, sizeof fault, fault};
  CHECK(bin_refused(rs, nrecs, a + 1, "result for event 0, which faulted", msg, sizeof msg), "result after a fault: %s", msg);
  memcpy(fault + 8, "oops", 4);
  CHECK(bin_refused(rs, nrecs, a, "unknown fault kind", msg, sizeof msg), "fault kind: %s", msg);

  /* A failed result before op 1's result; op numbers out of order. */
  int r0 = r1 - 1;
  unsigned char failed[4 + 4 + 1 + 4 + 4 + 6];
  memcpy(failed, recs[r0].p, 8);
  failed[8] = 0, put32(failed + 9, 12), put32(failed + 13, 6), memcpy(failed + 17, "ENOMEM", 6);
  memcpy(rs, recs, sizeof(rec) * (size_t)nrecs);
  rs[r0] = (rec){RESULT, sizeof failed, failed};
  CHECK(bin_refused(rs, nrecs, r1, "after op 0 failed", msg, sizeof msg), "after a failed result: %s", msg);
  unsigned char op2[64];
  memcpy(op2, recs[r1].p, recs[r1].len);
  put32(op2 + 4, 2);
  memcpy(rs, recs, sizeof(rec) * (size_t)nrecs);
  rs[r1].p = op2;
  CHECK(bin_refused(rs, nrecs, r1, "out of order (expected op 1)", msg, sizeof msg), "op gap: %s", msg);

  /* An event naming another call; an unknown op kind in an answer image. */
  int e = find_rec(0, EVENT);
  static unsigned char ev[1024], ans[4096];
  memcpy(ev, recs[e].p, recs[e].len);
  put32(ev + 4, 5);
  memcpy(rs, recs, sizeof(rec) * (size_t)nrecs);
  rs[e].p = ev;
  CHECK(bin_refused(rs, nrecs, e, "event 0 names call 5, but the latest call is 0", msg, sizeof msg), "event n: %s", msg);
  memcpy(ans, recs[a].p, recs[a].len);
  put32(ans + 4 + 48, 9); /* the first op's kind, after the OutHeader */
  memcpy(rs, recs, sizeof(rec) * (size_t)nrecs);
  rs[a].p = ans;
  CHECK(bin_refused(rs, nrecs, a, "unknown op kind 9", msg, sizeof msg), "op kind: %s", msg);
}

int main(void) {
  check_suite = "trace-strict";
  dir = mkdtemp(tmpl);
  hw_policy_load_builtin("default", NULL, &def, NULL);
  RUN(jsonl_damages, "damaged JSON Lines traces refused with file and line: results missing, swapped, after a fault or a failure; mistyped fields; call and event order");
  RUN(refused_word_recorded, "a begin call's access word the engine refuses is part of a sound trace");
  RUN(binary_damages, "damaged binary traces refused with file, byte offset and record: results missing, swapped, after a fault or a failure; event n; op kinds");
  hw_policy_delete(def);
  return check_report_removing(dir);
}
