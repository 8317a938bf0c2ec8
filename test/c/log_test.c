/* The log sink of debug builds (test/c/fixtures/logger.wat): refused without the capability,
 * lines split and decoded as the Node host does, attributed to their event, written to the
 * trace between the event and its answer or fault, handed to the caller's callback, and
 * compared line by line on replay. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "heapwise.h"

#define SO(name) HW_BUILD_DIR "/policies/" name ".so"

static const char *GPU[] = {"gpu"};

static hw_platform_t *one_heap(void) {
  hw_platform_t *p = NULL;
  hw_platform_new("log-board", &p, NULL);
  hw_heap_spec_t h = {"system", 0, HW_DEFAULT, HW_DEFAULT, HW_DEFAULT, 0, 0, 0};
  hw_platform_add_heap(p, &h, NULL);
  hw_device_spec_t d = {"gpu", 64, 1, 1, HW_DEFAULT, 0, 0, NULL, 0};
  hw_platform_add_device(p, &d, NULL);
  return p;
}

/* What the callback received, one "event fd text" per line. */
static char received[4096];
static void collect(void *ctx, uint32_t event, uint32_t fd, const char *text) {
  size_t n = strlen(received);
  snprintf(received + n, sizeof received - n, "%u %u %s\n", event, fd, text);
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "r");
  char *s = calloc(1, 1 << 16);
  size_t n = fread(s, 1, (1 << 16) - 1, f);
  s[n] = 0;
  fclose(f);
  return s;
}

static void refused_without_capability(void) {
  hw_policy_t *pol = NULL;
  hw_error_t *err = NULL;
  hw_status_t st = hw_policy_load_file(SO("logger"), NULL, &pol, &err);
  CHECK_STATUS(st, HW_ERR_POLICY_REFUSED, hw_error_message(err));
  CHECK(!strcmp(hw_error_message(err), "policy module " SO("logger") " refused: forbidden import wasi_snapshot_preview1.fd_write (function); a policy may import "
                                       "only env.abort (a debug build: load it with the log capability)"),
        "%s", hw_error_message(err));
  hw_error_delete(err);
  /* The capability grants the log sink, nothing else: another WASI import is still refused. */
  hw_policy_options_t po = {.log = 1};
  st = hw_policy_load_file(SO("forbidden-import"), &po, &pol, &err);
  CHECK(st == HW_ERR_POLICY_REFUSED && strstr(hw_error_message(err), "forbidden import env.seed (function); a policy may import only env.abort, "
                                                                     "wasi_snapshot_preview1.fd_write, wasi_snapshot_preview1.proc_exit"),
        "%s", hw_error_message(err));
  hw_error_delete(err);
}

static void lines_and_replay(void) {
  hw_platform_t *p = one_heap();
  hw_policy_options_t po = {.log = 1};
  hw_policy_t *pol = NULL;
  hw_error_t *err = NULL;
  CHECK(hw_policy_load_file(SO("logger"), &po, &pol, &err) == HW_OK, "%s", hw_error_message(err));
  CHECK(hw_policy_log_capability(pol), "capability recorded");
  received[0] = 0;
  hw_engine_options_t eo = {.log = collect};
  hw_engine_t *e = NULL;
  CHECK(hw_engine_new(pol, p, &eo, &e, NULL) == HW_OK, "engine");
  char path[] = "/tmp/heapwise-log-XXXXXX";
  FILE *f = fdopen(mkstemp(path), "w");
  CHECK(hw_engine_trace_start(e, f, "") == HW_OK, "%s", hw_engine_last_error(e));
  hw_alloc_request_t r = {4096, GPU, 1, HW_ACCESS_NONE, 0, NULL, 0};
  hw_buffer_id_t id;
  for (int b = 1; b <= 4; b++) CHECK(hw_engine_allocate(e, &r, &id) == HW_OK, "buffer %d: %s", b, hw_engine_last_error(e));
  hw_status_t st = hw_engine_allocate(e, &r, &id);
  CHECK_STATUS(st, HW_ERR_POLICY_FAULT, "buffer 5 traps once its line is taken");
  CHECK(strstr(hw_engine_last_error(e), "hw_event trapped: memory access out of bounds"), "%s", hw_engine_last_error(e));
  CHECK(hw_engine_trace_finish(e) == HW_OK, "%s", hw_engine_last_error(e));
  fclose(f);
  /* The trapped instance answers nothing more, and hands out no stale lines either. */
  size_t before = strlen(received);
  CHECK(hw_engine_allocate(e, &r, &id) == HW_ERR_POLICY_FAULT && strstr(hw_engine_last_error(e), "instance unusable"), "%s", hw_engine_last_error(e));
  CHECK(strlen(received) == before, "no new lines after the trap:\n%s", received + before);
  /* One line across two writes; EBADF and EFAULT leave no line; U+FFFD for ill-formed bytes;
   * a BOM dropped at the start of each iovec; a partial line completed by a later call. */
  static const char want[] =
      "0 1 hello\n0 1 world\n0 2 err\n1 1 \xef\xbf\xbd\xef\xbf\xbd" "a\n1 1 bom\n3 2 partial\n4 1 late\n";
  CHECK(!strcmp(received, want), "callback lines:\n%s", received);
  char *t = slurp(path);
  CHECK(strstr(t, "\"limits\":{\"fuel\":10000000,\"opCap\":64,\"log\":true}"), "header: %.400s", t);
  static const char *const lines[] = {
      "{\"t\":\"log\",\"i\":0,\"fd\":1,\"text\":\"hello\"}\n{\"t\":\"log\",\"i\":0,\"fd\":1,\"text\":\"world\"}\n{\"t\":\"log\",\"i\":0,\"fd\":2,\"text\":\"err\"}\n"
      "{\"t\":\"answer\",\"i\":0,",
      "{\"t\":\"log\",\"i\":1,\"fd\":1,\"text\":\"\xef\xbf\xbd\xef\xbf\xbd" "a\"}\n{\"t\":\"log\",\"i\":1,\"fd\":1,\"text\":\"bom\"}\n{\"t\":\"answer\",\"i\":1,",
      /* buffer 2: EBADF (8), 12 bytes written; buffer 3: EFAULT (21), then 3; buffer 4: 0, 0 */
      "\"state\":\"00000000000000000000000000000000" "0800000000000000" "0c00000000000000\"}",
      "\"state\":\"00000000000000000000000000000000" "1500000000000000" "0300000000000000\"}",
      "{\"t\":\"log\",\"i\":3,\"fd\":2,\"text\":\"partial\"}\n{\"t\":\"answer\",\"i\":3,",
      "{\"t\":\"log\",\"i\":4,\"fd\":1,\"text\":\"late\"}\n{\"t\":\"fault\",\"i\":4,\"kind\":\"trap\",",
  };
  for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) CHECK(strstr(t, lines[i]), "missing %s in\n%s", lines[i], t);
  hw_replay_result_t rr;
  st = hw_replay_file(path, pol, &rr, &err);
  CHECK_STATUS(st, HW_OK, hw_error_message(err));
  CHECK(rr.events == 5, "events %u", rr.events);
  /* A log line that differs, and one missing, are divergences at their line. */
  char *bad = strstr(t, "\"text\":\"world\"");
  memcpy(bad, "\"text\":\"w0rld\"", 14);
  f = fopen(path, "w");
  fputs(t, f);
  fclose(f);
  st = hw_replay_file(path, pol, &rr, &err);
  CHECK_STATUS(st, HW_ERR_DIVERGED, hw_error_message(err));
  CHECK(rr.index == 0 && !strcmp(rr.expected, "{\"t\":\"log\",\"i\":0,\"fd\":1,\"text\":\"w0rld\"}") && !strcmp(rr.actual, "{\"t\":\"log\",\"i\":0,\"fd\":1,\"text\":\"world\"}"),
        "%u %s %s", rr.index, rr.expected, rr.actual);
  hw_replay_result_clear(&rr);
  hw_error_delete(err);
  char *line = strstr(t, "{\"t\":\"log\",\"i\":3");
  memmove(line, strchr(line, '\n') + 1, strlen(strchr(line, '\n') + 1) + 1);
  f = fopen(path, "w");
  fputs(t, f);
  fclose(f);
  hw_policy_t *def = NULL;
  hw_policy_load_builtin("default", NULL, &def, NULL);
  st = hw_replay_file(path, pol, &rr, &err);
  CHECK(st == HW_ERR_DIVERGED, "a missing log line diverges");
  hw_error_delete(err);
  hw_replay_result_clear(&rr);
  free(t);
  unlink(path);
  hw_engine_delete(e);
  hw_policy_delete(pol);
  hw_policy_delete(def);
  hw_platform_delete(p);
}

/* proc_exit and an iovec array outside memory trap; the host goes on. */
static void traps(void) {
  hw_platform_t *p = one_heap();
  hw_policy_options_t po = {.log = 1};
  hw_policy_t *pol = NULL;
  CHECK(hw_policy_load_file(SO("logger"), &po, &pol, NULL) == HW_OK, "logger.so");
  hw_engine_t *e = NULL;
  CHECK(hw_engine_new(pol, p, NULL, &e, NULL) == HW_OK, "engine");
  hw_alloc_request_t r = {4096, GPU, 1, HW_ACCESS_NONE, 0, NULL, 0};
  hw_buffer_id_t id;
  for (int b = 1; b <= 5; b++) hw_engine_allocate(e, &r, &id);
  CHECK(hw_engine_set_policy(e, pol) == HW_OK, "a fresh instance");
  CHECK(hw_engine_allocate(e, &r, &id) == HW_ERR_POLICY_FAULT && strstr(hw_engine_last_error(e), "policy module " SO("logger") ": hw_event trapped: proc_exit(3)"),
        "%s", hw_engine_last_error(e));
  CHECK(hw_engine_set_policy(e, pol) == HW_OK, "a fresh instance");
  CHECK(hw_engine_allocate(e, &r, &id) == HW_ERR_POLICY_FAULT && strstr(hw_engine_last_error(e), "hw_event trapped: memory access out of bounds"), "%s",
        hw_engine_last_error(e));
  hw_engine_delete(e);
  hw_policy_delete(pol);
  hw_platform_delete(p);
}

int main(void) {
  check_suite = "log";
  RUN(refused_without_capability, "a debug build is refused without the log capability, naming the import");
  RUN(lines_and_replay, "log lines: split, decoded, attributed, traced, handed to the callback, replayed");
  RUN(traps, "proc_exit and an iovec array outside memory trap");
  return check_report();
}
