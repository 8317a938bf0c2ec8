/* One buffer's life on the real kernel, timed inside the VM: allocate from the system heap, map
 * it, bracket one CPU write with DMA_BUF_IOCTL_SYNC, touch every page, unmap, close. Three ways,
 * in the same guest process:
 *   raw     the ioctls by hand (what an application would write without heapwise);
 *   engine  the same cycle through libheapwise on its kernel backend (hw_engine_allocate,
 *           cpu_begin, cpu_map, cpu_end, free: the default policy plans the syncs);
 *   model   the engine's calls alone on the model backend (no kernel, no mapping): the engine's
 *           own work per cycle.
 * The default policy issues exactly the raw cycle's syncs here (START|WRITE at cpu_begin, the
 * END deferred to free on a cached heap with a non-coherent device), so engine - raw is the
 * engine's cost. Each way is also timed step by step (alloc | START | mmap | touch | munmap |
 * END + close, and the engine call that does each). A fourth way, proxy, does the part of the
 * cycle that needs no DMA-BUF heap (zeroed pages mapped with MAP_POPULATE, touched, unmapped):
 * run in the guest beside raw it says how close the two are, and run on the host (--host: proxy
 * and model only; this machine has no /dev/dma_heap) it estimates the real cycle without TCG.
 * Built static: the guest has no libc of its own.
 *   cycle SIZE... [--iterations N] [--host]   prints one "BENCH_VM {json}" line per size and way */
#include <errno.h>
#include <fcntl.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "heapwise.h"

#define PAGE 4096

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}

static void die(const char *what) {
  fprintf(stderr, "cycle: %s: %s\n", what, strerror(errno));
  exit(1);
}

static void touch(volatile uint8_t *p, size_t len) {
  for (size_t o = 0; o < len; o += PAGE) p[o] = (uint8_t)o;
}

static int heap_fd = -1;

/* Step boundaries of the cycle being timed: marks[k + 1] - marks[k] is step k. On the host the
 * step marks are off in the cycles whose whole time is kept: five clock reads (~26 ns each here)
 * would add ~6 % to the engine's ~2 us cycle (see main). */
#define STEPS 6
static double marks[STEPS + 1];
static int nmarks;
static int stepping = 1;
static void mark(void) { if (stepping && nmarks <= STEPS) marks[nmarks++] = now_ns(); }

/* Steps, as the engine's: alloc | START | mmap | touch | munmap (cpu_end) | END + close (free). */
static void raw_cycle(size_t size) {
  nmarks = 0;
  mark();
  struct dma_heap_allocation_data a = {.len = size, .fd_flags = O_RDWR | O_CLOEXEC};
  if (ioctl(heap_fd, DMA_HEAP_IOCTL_ALLOC, &a) < 0) die("DMA_HEAP_IOCTL_ALLOC");
  int fd = (int)a.fd;
  mark();
  struct dma_buf_sync s = {.flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE};
  if (ioctl(fd, DMA_BUF_IOCTL_SYNC, &s) < 0) die("SYNC START");
  mark();
  void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) die("mmap");
  mark();
  touch(p, size);
  mark();
  munmap(p, size);
  mark();
  s.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE;
  if (ioctl(fd, DMA_BUF_IOCTL_SYNC, &s) < 0) die("SYNC END");
  close(fd);
  mark();
}

/* Steps: mmap(MAP_POPULATE) | - | - | touch | munmap | - */
static void proxy_cycle(size_t size) {
  nmarks = 0;
  mark();
  void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (p == MAP_FAILED) die("mmap anonymous");
  mark();
  mark();
  mark();
  touch(p, size);
  mark();
  munmap(p, size);
  mark();
  mark();
}

static hw_engine_t *kernel_engine, *model_engine;
static const char *devices[] = {"display"};

static void check(hw_engine_t *e, hw_status_t st, const char *what) {
  if (st != HW_OK) {
    fprintf(stderr, "cycle: %s: %s\n", what, hw_engine_last_error(e));
    exit(1);
  }
}

static void engine_cycle(hw_engine_t *e, size_t size, int map) {
  hw_alloc_request_t r = {size, devices, 1, HW_ACCESS_WRITE, 0, NULL, 0};
  hw_buffer_id_t id;
  nmarks = 0;
  mark();
  check(e, hw_engine_allocate(e, &r, &id), "allocate");
  mark();
  check(e, hw_engine_cpu_begin(e, id, HW_ACCESS_WRITE), "cpu_begin");
  mark();
  if (map) {
    void *p;
    size_t len;
    check(e, hw_engine_cpu_map(e, id, &p, &len), "cpu_map");
    mark();
    touch(p, len);
  } else {
    mark();
  }
  mark();
  check(e, hw_engine_cpu_end(e, id), "cpu_end");
  mark();
  check(e, hw_engine_free(e, id), "free");
  mark();
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median(double *x, int n) {
  qsort(x, n, sizeof *x, cmp);
  return x[n / 2];
}

/* ns: n cycle times; steps: n rows of STEPS step times. */
static const char *where = "guest";

static void report(const char *way, size_t size, double *ns, double *steps, int n) {
  qsort(ns, n, sizeof *ns, cmp);
  double sum = 0;
  for (int i = 0; i < n; i++) sum += ns[i];
  printf("BENCH_VM {\"host\":\"c\",\"where\":\"%s\",\"way\":\"%s\",\"size\":%zu,\"cycles\":%d,\"p50\":%.0f,\"p90\":%.0f,\"min\":%.0f,\"mean\":%.0f,\"steps\":[",
         where, way, size, n, ns[n / 2], ns[n * 9 / 10], ns[0], sum / n);
  double col[4096];
  for (int k = 0; k < STEPS; k++) {
    for (int i = 0; i < n; i++) col[i] = steps[i * STEPS + k];
    printf("%s%.0f", k ? "," : "", median(col, n));
  }
  printf("]}\n");
  fflush(stdout);
}

static void keep_steps(double *row) {
  for (int k = 0; k < STEPS; k++) row[k] = marks[k + 1] - marks[k];
}

static hw_engine_t *engine_on(hw_backend_kind_t backend) {
  hw_platform_t *p;
  hw_policy_t *policy;
  hw_engine_t *e;
  hw_error_t *err = NULL;
  hw_heap_spec_t heap = {"system", 0, HW_DEFAULT, HW_DEFAULT, HW_DEFAULT, 0, 0, 0};
  hw_device_spec_t dev = {"display", 32, 1, 0, HW_DEFAULT, 0, 0, NULL, 0};
  hw_engine_options_t opts = {.backend = backend};
  if (hw_platform_new("vm-system-heap", &p, &err) != HW_OK || hw_platform_add_heap(p, &heap, &err) != HW_OK ||
      hw_platform_add_device(p, &dev, &err) != HW_OK || hw_policy_load_builtin("default", NULL, &policy, &err) != HW_OK ||
      hw_engine_new(policy, p, &opts, &e, &err) != HW_OK) {
    fprintf(stderr, "cycle: %s\n", err ? hw_error_message(err) : "engine setup failed");
    exit(1);
  }
  hw_policy_delete(policy);
  hw_platform_delete(p);
  return e;
}

int main(int argc, char **argv) {
  size_t sizes[16];
  int nsizes = 0, iterations = 50, host = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--iterations") && i + 1 < argc) iterations = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--host")) host = 1;
    else if (nsizes < 16) sizes[nsizes++] = strtoull(argv[i], NULL, 0);
  }
  /* Ways by index: 0 raw, 1 engine, 2 model, 3 proxy; the host has no heap for the first two. */
  static const char *const way_names[] = {"raw", "engine", "model", "proxy"};
  int first_way = 0;
  if (host) {
    where = "host";
    first_way = 2;
  } else {
    heap_fd = open("/dev/dma_heap/system", O_RDWR | O_CLOEXEC);
    if (heap_fd < 0) die("open /dev/dma_heap/system");
    kernel_engine = engine_on(HW_BACKEND_KERNEL);
  }
  model_engine = engine_on(HW_BACKEND_MODEL);
  if (iterations > 4096) iterations = 4096;
  const int nways = 4 - first_way;
  double *ns = calloc((size_t)iterations * 4, sizeof *ns);
  double *steps = calloc((size_t)iterations * 4 * STEPS, sizeof *steps);
  for (int s = 0; s < nsizes; s++) {
    size_t size = sizes[s];
    /* Fewer cycles for big buffers: each one zeroes the pages under TCG. */
    int n = size >= (4u << 20) ? (iterations + 3) / 4 : iterations;
    for (int w = 0; w < 2; w++) {
      if (!host) raw_cycle(size), engine_cycle(kernel_engine, size, 1);
      engine_cycle(model_engine, size, 0), proxy_cycle(size);
    }
    if (host) {
      /* The host estimate: every model cycle right after a proxy cycle, which leaves the caches
       * as a real cycle does (the kernel zeroes and the application writes a buffer's worth).
       * A rotating order would put half the model cycles after another model cycle, warm, and
       * the median on the edge between the warm and the cold half. Cycles alternate between
       * timed whole (step marks off) and timed step by step, so the whole times carry no marks. */
      int whole = 0, stepped = 0;
      for (int i = 0; i < 2 * n; i++) {
        stepping = i & 1;
        int *count = stepping ? &stepped : &whole;
        for (int way = 3; way >= 2; way--) {
          double t0 = now_ns();
          if (way == 3) proxy_cycle(size);
          else engine_cycle(model_engine, size, 0);
          double t = now_ns() - t0;
          if (stepping) keep_steps(steps + ((size_t)way * n + *count) * STEPS);
          else ns[way * n + *count] = t;
          if (way == 2) (*count)++;
        }
      }
    } else {
      /* Interleaved, cycle by cycle, the order rotating: the ways see the same guest noise and
       * none always follows another's free. */
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < nways; k++) {
          int way = first_way + (i + k) % nways;
          double t0 = now_ns();
          if (way == 0) raw_cycle(size);
          else if (way == 3) proxy_cycle(size);
          else engine_cycle(way == 1 ? kernel_engine : model_engine, size, way == 1);
          ns[way * n + i] = now_ns() - t0;
          keep_steps(steps + ((size_t)way * n + i) * STEPS);
        }
      }
    }
    for (int way = first_way; way < 4; way++) report(way_names[way], size, ns + (size_t)way * n, steps + (size_t)way * n * STEPS, n);
  }
  hw_engine_delete(kernel_engine);
  hw_engine_delete(model_engine);
  if (heap_fd >= 0) close(heap_fd);
  free(ns);
  free(steps);
  return 0;
}
