/* Where and when a trace is recorded: hw_engine_trace_open never replaces what is not a regular
 * file (a device or FIFO is written in place, a directory refused at once), a failed start
 * leaves the engine not recording, a trace starts before the engine's first call, and replay
 * enforces the op cap the trace records. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "boards.h"
#include "check.h"
#include "heapwise.h"
#include "sessions.h"

static char tmpl[] = "/tmp/heapwise-target-XXXXXX";
static const char *dir;

static void in_tmp(char *out, size_t cap, const char *name) { snprintf(out, cap, "%s/%s", dir, name); }

static hw_engine_t *new_engine(hw_platform_t *p, uint32_t op_cap) {
  hw_policy_t *pol = NULL;
  hw_engine_t *e = NULL;
  hw_engine_options_t o = {.op_cap = op_cap};
  hw_policy_load_builtin("default", NULL, &pol, NULL);
  hw_engine_new(pol, p, &o, &e, NULL);
  hw_policy_delete(pol);
  return e;
}

/* Records the camera session to `path` through hw_engine_trace_open. */
static hw_status_t record_to(const char *path, uint32_t op_cap) {
  hw_platform_t *p = camera_board();
  hw_engine_t *e = new_engine(p, op_cap);
  hw_status_t st = hw_engine_trace_open(e, path, NULL);
  if (st == HW_OK) st = camera_session(e, p, 2, 1);
  if (st == HW_OK) st = hw_engine_trace_finish(e);
  hw_engine_delete(e);
  hw_platform_delete(p);
  return st;
}


/* Entries of dir whose name contains `part`. */
static int entries_with(const char *part) {
  char cmd[600];
  snprintf(cmd, sizeof cmd, "ls -a %s | grep -c -- '%s' >/dev/null", dir, part);
  return system(cmd) == 0;
}

static void directory_refused(void) {
  char sub[512], good[512];
  in_tmp(sub, sizeof sub, "adir");
  in_tmp(good, sizeof good, "after-dir.jsonl");
  CHECK(mkdir(sub, 0755) == 0, "mkdir");
  hw_platform_t *p = camera_board();
  hw_engine_t *e = new_engine(p, 0);
  hw_status_t st = hw_engine_trace_open(e, sub, NULL);
  char want[600];
  snprintf(want, sizeof want, "%s: cannot write trace: it is a directory", sub);
  CHECK(st == HW_ERR_IO && !strcmp(hw_engine_last_error(e), want), "%s %s", hw_status_name(st), hw_engine_last_error(e));
  CHECK(!entries_with("adir.tmp"), "no temporary beside the directory");
  CHECK(hw_engine_trace_finish(e) == HW_ERR_USAGE, "not recording");
  CHECK(hw_engine_trace_open(e, good, NULL) == HW_OK, "%s", hw_engine_last_error(e));
  CHECK(hw_engine_trace_finish(e) == HW_OK, "%s", hw_engine_last_error(e));
  hw_engine_delete(e);
  hw_platform_delete(p);
  struct stat sb;
  CHECK(stat(sub, &sb) == 0 && S_ISDIR(sb.st_mode), "still a directory");
}

/* Copies what the FIFO `path` carries to `to` in a child; returns its pid. */
static pid_t drain(const char *path, const char *to) {
  pid_t pid = fork();
  if (pid == 0) {
    alarm(20); /* a FIFO replaced before it was opened would leave the reader waiting forever */
    FILE *in = fopen(path, "rb"), *out = fopen(to, "wb");
    char buf[4096];
    size_t n;
    while (in && out && (n = fread(buf, 1, sizeof buf, in)) > 0) fwrite(buf, 1, n, out);
    _exit(in && out && fclose(out) == 0 ? 0 : 1);
  }
  return pid;
}

static void fifo_in_place(void) {
  char fifo[512], copy[512], regular[512];
  in_tmp(fifo, sizeof fifo, "pipe.jsonl");
  in_tmp(copy, sizeof copy, "piped-copy.jsonl");
  in_tmp(regular, sizeof regular, "regular.jsonl");
  CHECK(mkfifo(fifo, 0600) == 0, "mkfifo");
  pid_t pid = drain(fifo, copy);
  CHECK(pid > 0, "fork");
  hw_status_t st = record_to(fifo, 0);
  int ws = 0;
  waitpid(pid, &ws, 0);
  CHECK(st == HW_OK, "%s", hw_status_name(st));
  CHECK(WIFEXITED(ws) && WEXITSTATUS(ws) == 0, "the reader got the stream");
  struct stat sb;
  CHECK(stat(fifo, &sb) == 0 && S_ISFIFO(sb.st_mode), "the FIFO is still a FIFO");
  CHECK(!entries_with("pipe.jsonl.tmp"), "no temporary beside the FIFO");
  CHECK(record_to(regular, 0) == HW_OK, "regular recording");
  char *a = trace_text(copy), *b = trace_text(regular);
  int same = a && b && *a && !strcmp(a, b);
  free(a);
  free(b);
  CHECK(same, "the FIFO carried the same trace as a regular file");
}

/* /dev/null only as a FILE opened for writing, never by path: a regression of the rule above
 * would replace the node for the whole machine (the FIFO case covers the path). */
static void dev_null_stream(void) {
  hw_platform_t *p = camera_board();
  hw_engine_t *e = new_engine(p, 0);
  FILE *f = fopen("/dev/null", "wb");
  CHECK(f, "/dev/null");
  hw_status_t st = hw_engine_trace_start_as(e, f, HW_TRACE_BINARY, NULL);
  if (st == HW_OK) st = camera_session(e, p, 2, 1);
  if (st == HW_OK) st = hw_engine_trace_finish(e);
  fclose(f);
  CHECK(st == HW_OK, "%s", hw_engine_last_error(e));
  hw_engine_delete(e);
  hw_platform_delete(p);
  struct stat sb;
  CHECK(stat("/dev/null", &sb) == 0 && S_ISCHR(sb.st_mode), "/dev/null is still a character device");
}

static void link_kept(void) {
  char target[512], link[512];
  in_tmp(target, sizeof target, "linked.jsonl");
  in_tmp(link, sizeof link, "link.jsonl");
  FILE *f = fopen(target, "w");
  CHECK(f && fputs("old\n", f) >= 0 && fclose(f) == 0, "target");
  CHECK(symlink(target, link) == 0, "symlink");
  CHECK(record_to(link, 0) == HW_OK, "recording through the link");
  struct stat sb;
  CHECK(lstat(link, &sb) == 0 && S_ISLNK(sb.st_mode), "the link is still a link");
  char *t = trace_text(target);
  int header = t && !strncmp(t, "{\"t\":\"header\"", 13);
  free(t);
  CHECK(header, "the file it names holds the trace");
}

static void failed_start(void) {
  char good[512];
  in_tmp(good, sizeof good, "after-failure.jsonl");
  hw_platform_t *p = camera_board();
  hw_engine_t *e = new_engine(p, 0);
  FILE *ro = fopen(HW_ROOT "/test/c/check.h", "r");
  CHECK(ro, "read-only FILE");
  hw_status_t st = hw_engine_trace_start(e, ro, NULL);
  fclose(ro);
  CHECK(st == HW_ERR_IO, "%s", hw_status_name(st));
  CHECK(hw_engine_trace_finish(e) == HW_ERR_USAGE && !strcmp(hw_engine_last_error(e), "the engine is not recording a trace"), "%s", hw_engine_last_error(e));
  FILE *f = fopen(good, "w");
  CHECK(hw_engine_trace_start(e, f, NULL) == HW_OK, "%s", hw_engine_last_error(e));
  CHECK(camera_session(e, p, 1, 0) == HW_OK, "%s", hw_engine_last_error(e));
  CHECK(hw_engine_trace_finish(e) == HW_OK, "%s", hw_engine_last_error(e));
  fclose(f);
  hw_engine_delete(e);
  hw_platform_delete(p);
  hw_policy_t *pol = NULL;
  hw_policy_load_builtin("default", NULL, &pol, NULL);
  hw_replay_result_t r;
  hw_error_t *err = NULL;
  st = hw_replay_file(good, pol, &r, &err);
  CHECK(st == HW_OK, "%s", err ? hw_error_message(err) : "");
  hw_replay_result_clear(&r);
  hw_policy_delete(pol);
}

static void late_start(void) {
  char late[512];
  in_tmp(late, sizeof late, "late.jsonl");
  hw_platform_t *p = camera_board();
  hw_engine_t *e = new_engine(p, 0);
  const char *csi[] = {"csi"};
  hw_alloc_request_t r = {4096, csi, 1, HW_ACCESS_READ, 0, NULL, 0};
  hw_buffer_id_t id;
  CHECK(hw_engine_allocate(e, &r, &id) == HW_OK, "%s", hw_engine_last_error(e));
  CHECK(hw_engine_free(e, id) == HW_OK, "%s", hw_engine_last_error(e));
  const char *want = "a trace starts on an engine that has not served a call yet (2 calls so far): start it right after hw_engine_new";
  CHECK(hw_engine_trace_open(e, late, NULL) == HW_ERR_USAGE && !strcmp(hw_engine_last_error(e), want), "%s", hw_engine_last_error(e));
  CHECK(access(late, F_OK) != 0 && !entries_with("late.jsonl"), "nothing created");
  CHECK(hw_engine_trace_start(e, stderr, NULL) == HW_ERR_USAGE, "start");
  CHECK(hw_engine_trace_start_as(e, stderr, HW_TRACE_BINARY, NULL) == HW_ERR_USAGE, "start_as");
  hw_engine_delete(e);
  hw_platform_delete(p);
}

/* Replaces the first `from` in the file at path by `to`. */
static int edit(const char *path, const char *from, const char *to) {
  char *s = trace_text(path), *at = s ? strstr(s, from) : NULL;
  FILE *f = at ? fopen(path, "w") : NULL;
  if (f) {
    fwrite(s, 1, (size_t)(at - s), f);
    fputs(to, f);
    fputs(at + strlen(from), f);
    fclose(f);
  }
  free(s);
  return f != NULL;
}

static void recorded_op_cap(void) {
  char path[512];
  in_tmp(path, sizeof path, "cap.jsonl");
  CHECK(record_to(path, HW_MAX_OPS) == HW_OK, "record");
  char *t = trace_text(path);
  int recorded = t && strstr(t, "\"opCap\":256") != NULL;
  free(t);
  CHECK(recorded, "the header records the cap enforced");
  hw_policy_t *pol = NULL;
  hw_policy_load_builtin("default", NULL, &pol, NULL);
  hw_replay_result_t r;
  hw_error_t *err = NULL;
  hw_status_t st = hw_replay_file(path, pol, &r, &err);
  CHECK(st == HW_OK, "%s", err ? hw_error_message(err) : "");
  /* A cap of 0 recorded is enforced as 0, not replaced by the default. */
  CHECK(edit(path, "\"opCap\":256", "\"opCap\":0"), "edit");
  st = hw_replay_file(path, pol, &r, &err);
  CHECK(st == HW_ERR_DIVERGED && r.actual && strstr(r.actual, "the cap is 0"), "%s", err ? hw_error_message(err) : "");
  hw_error_delete(err);
  hw_replay_result_clear(&r);
  hw_policy_delete(pol);
}

int main(void) {
  check_suite = "trace-target";
  dir = mkdtemp(tmpl);
  if (!dir) return 1;
  RUN(directory_refused, "a directory is refused at open, naming it; the engine is not recording");
  RUN(fifo_in_place, "a FIFO is written in place (no temporary, no rename) and carries the trace");
  RUN(dev_null_stream, "a binary trace streams to /dev/null opened for writing, which stays a character device");
  RUN(link_kept, "a link to a regular file stays a link; the file it names gets the trace");
  RUN(failed_start, "a failed start leaves the engine not recording; a later start records and replays");
  RUN(late_start, "a trace started after the engine served a call is refused (open, start, start_as)");
  RUN(recorded_op_cap, "replay enforces the op cap the trace records");
  return check_report_removing(dir);
}
