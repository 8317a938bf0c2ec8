/* A tiny test reporter for the C host's tests: one line per case ("ok - suite: name" or
 * "not ok - suite: name: file:line: why") and a closing "suite: N passed, N failed" line that
 * test/c/c-host.test.ts turns into vitest cases. A failed CHECK ends the case, not the run. */
#ifndef HW_CHECK_H
#define HW_CHECK_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *check_suite = "c";
static int check_passed, check_failed, check_case_failed;
static char check_why[2048];

#define CHECK(cond, ...)                                                                         \
  do {                                                                                           \
    if (!(cond)) {                                                                               \
      int n_ = snprintf(check_why, sizeof check_why, "%s:%d: %s: ", __FILE__, __LINE__, #cond); \
      snprintf(check_why + n_, sizeof check_why - (size_t)n_, __VA_ARGS__);                     \
      check_case_failed = 1;                                                                     \
      return;                                                                                    \
    }                                                                                            \
  } while (0)

/* Checks a status and prints the engine's or error's message when it differs. */
#define CHECK_STATUS(got, want, msg) CHECK((got) == (want), "status %s, expected %s: %s", hw_status_name(got), hw_status_name(want), (msg))

#define RUN(fn, name)                                                                          \
  do {                                                                                         \
    check_case_failed = 0;                                                                     \
    check_why[0] = 0;                                                                          \
    fn();                                                                                      \
    if (check_case_failed) {                                                                   \
      check_failed++;                                                                          \
      for (char *p_ = check_why; *p_; p_++) if (*p_ == '\n') *p_ = ' ';                        \
      printf("not ok - %s: %s: %s\n", check_suite, name, check_why);                           \
    } else {                                                                                   \
      check_passed++;                                                                          \
      printf("ok - %s: %s\n", check_suite, name);                                              \
    }                                                                                          \
    fflush(stdout);                                                                            \
  } while (0)

static int check_report(void) {
  printf("%s: %d passed, %d failed\n", check_suite, check_passed, check_failed);
  fflush(stdout);
  return check_failed ? 1 : 0;
}

/* check_report(), after removing a suite's temporary directory (a failed removal fails the run). */
__attribute__((unused)) static int check_report_removing(const char *dir) {
  int rc = check_report();
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  return system(cmd) != 0 ? 1 : rc;
}

/* Open file descriptors of this process (leak checks). */
__attribute__((unused)) static int check_open_fds(void) {
  DIR *d = opendir("/proc/self/fd");
  int n = 0;
  if (!d) return -1;
  while (readdir(d)) n++;
  closedir(d);
  return n - 3; /* ".", ".." and the DIR's own fd */
}

#endif
