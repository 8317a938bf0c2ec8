/* See cases.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"

static uint32_t read32(FILE *f, const char *prog, const char *path) {
  uint32_t v = 0;
  if (fread(&v, 4, 1, f) != 1) {
    fprintf(stderr, "%s: %s: truncated cases file\n", prog, path);
    exit(2);
  }
  return v;
}

static void need(int ok, const char *prog, const char *path, const char *what) {
  if (ok) return;
  fprintf(stderr, "%s: %s: %s\n", prog, path, what);
  exit(2);
}

bench_case *load_cases(const char *prog, const char *path, uint32_t *count) {
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); exit(2); }
  need(read32(f, prog, path) == 0x43425748u, prog, path, "not a cases file"); /* "HWBC" */
  *count = read32(f, prog, path);
  need(*count > 0 && *count < 100000, prog, path, "implausible case count");
  bench_case *cs = calloc(*count, sizeof *cs);
  need(cs != NULL, prog, path, "out of memory");
  for (uint32_t i = 0; i < *count; i++) {
    uint32_t n = read32(f, prog, path);
    need(n < sizeof cs[i].label && fread(cs[i].label, 1, n, f) == n, prog, path, "bad case label");
    cs[i].blob_len = read32(f, prog, path);
    cs[i].blob = malloc(cs[i].blob_len ? cs[i].blob_len : 1);
    need(cs[i].blob && fread(cs[i].blob, 1, cs[i].blob_len, f) == cs[i].blob_len, prog, path, "truncated platform blob");
    cs[i].event_len = read32(f, prog, path);
    need(cs[i].event_len >= sizeof(hw_event) && cs[i].event_len <= sizeof cs[i].event &&
             fread(cs[i].event, 1, cs[i].event_len, f) == cs[i].event_len,
         prog, path, "bad event bytes");
  }
  fclose(f);
  return cs;
}

void free_cases(bench_case *cs, uint32_t count) {
  for (uint32_t i = 0; i < count; i++) free(cs[i].blob);
  free(cs);
}

static hw_event event_of(const bench_case *c) {
  hw_event ev;
  memcpy(&ev, c->event, sizeof ev);
  return ev;
}

np_request case_request(const bench_case *c) {
  hw_event ev = event_of(c);
  return (np_request){.size = ev.size, .devices = ev.devices, .failed_heaps = 0, .cpu = ev.cpu, .last_errno = 0,
                      .protected_content = (ev.flags & HW_BUFFER_FLAG_PROTECTED) != 0};
}

hw_alloc_request_t case_app_request(const bench_case *c, const hw_platform_t *platform, case_app_storage *storage) {
  hw_event ev = event_of(c);
  size_t ndev = 0;
  for (uint32_t d = 0; d < 64; d++)
    if (ev.devices & ((uint64_t)1 << d)) storage->devices[ndev++] = hw_platform_device_name(platform, d);
  uint32_t name_len = ev.name_len < HW_NAME_CAPACITY ? ev.name_len : HW_NAME_CAPACITY - 1;
  memset(storage->name, 0, sizeof storage->name);
  memcpy(storage->name, c->event + HW_EVENT_NAME_OFFSET, name_len);
  return (hw_alloc_request_t){ev.size, storage->devices, ndev, ev.cpu, (ev.flags & HW_BUFFER_FLAG_PROTECTED) != 0,
                              name_len ? storage->name : NULL, 0};
}
