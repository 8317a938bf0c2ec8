/* The kernel backend's preconditions (host/backend/availability.ts, host/probe/probe.ts). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel_check.h"

const char *hw_dev_dir(void) {
  const char *d = getenv("HEAPWISE_C_DEV_DIR");
  return d && *d ? d : "/dev";
}

/* NULL when O_RDWR open works, else the errno name ("EACCES"), as the Node probe reports it. */
static const char *open_error(const char *path) {
  int fd = open(path, O_RDWR | O_CLOEXEC);
  if (fd >= 0) {
    close(fd);
    return NULL;
  }
  const char *name = strerrorname_np(errno);
  return name ? name : "EIO";
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The heap kind, as the platform states it or as inferKind reads the name: only udmabuf matters. */
static int is_udmabuf(const json_t *heap) {
  const char *kind = json_string_value(json_object_get(heap, "kind"));
  if (kind) return !strcmp(kind, "udmabuf");
  const char *name = json_string_value(json_object_get(heap, "name"));
  return name && (!strcasecmp(name, "udmabuf") || !strcasecmp(name, "/dev/udmabuf"));
}

const char *hw_kernel_refusal(const json_t *platform, const char *dev_dir, char *why, size_t cap) {
  json_t *heaps = json_object_get(platform, "heaps");
  const char *pname = json_string_value(json_object_get(platform, "name"));
  char dir[4096], udmabuf_path[4096];
  snprintf(dir, sizeof dir, "%s/dma_heap", dev_dir);
  snprintf(udmabuf_path, sizeof udmabuf_path, "%s/udmabuf", dev_dir);
  struct stat sb;
  int dir_present = stat(dir, &sb) == 0;
  int udmabuf_present = stat(udmabuf_path, &sb) == 0;

  int needs_dir = 0;
  for (size_t i = 0; i < json_array_size(heaps); i++) needs_dir |= !is_udmabuf(json_array_get(heaps, i));
  if (needs_dir && !dir_present) {
    snprintf(why, cap, "no %s on this machine (a kernel without CONFIG_DMABUF_HEAPS, or not Linux)", dir);
    return why;
  }

  /* Every entry of dma_heap, sorted as the probe lists them. */
  char **nodes = NULL;
  size_t count = 0;
  DIR *d = dir_present ? opendir(dir) : NULL;
  for (struct dirent *e; d && (e = readdir(d));) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    char **more = realloc(nodes, (count + 1) * sizeof *nodes);
    if (!more) break;
    nodes = more;
    if (!(nodes[count] = strdup(e->d_name))) break;
    count++;
  }
  if (d) closedir(d);
  qsort(nodes, count, sizeof *nodes, by_name);

  const char *result = NULL;
  for (size_t i = 0; !result && i < json_array_size(heaps); i++) {
    json_t *heap = json_array_get(heaps, i);
    const char *name = json_string_value(json_object_get(heap, "name"));
    int udmabuf = is_udmabuf(heap);
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", udmabuf ? dev_dir : dir, udmabuf ? "udmabuf" : name);
    int found = udmabuf ? udmabuf_present : 0;
    for (size_t k = 0; !udmabuf && k < count; k++) found |= !strcmp(nodes[k], name);
    if (!found) {
      char present[4096] = "";
      for (size_t k = 0; k < count; k++) {
        if (k) strncat(present, ", ", sizeof present - strlen(present) - 1);
        strncat(present, nodes[k], sizeof present - strlen(present) - 1);
      }
      if (udmabuf_present) strncat(present, count ? ", udmabuf" : "udmabuf", sizeof present - strlen(present) - 1);
      snprintf(why, cap, "platform %s heap %s has no %s on this machine (present: %s); every allocation from it would fail with ENOENT", pname, name,
               path, *present ? present : "none");
      result = why;
    } else {
      const char *err = open_error(path);
      if (err) {
        snprintf(why, cap, "platform %s heap %s: %s cannot be opened (%s; `heapwise probe` prints the udev rule)", pname, name, path, err);
        result = why;
      }
    }
  }
  for (size_t k = 0; k < count; k++) free(nodes[k]);
  free(nodes);
  return result;
}
