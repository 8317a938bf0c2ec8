/* The image lock, included by each policy image's glue (and the C decision bench, which mirrors
 * the library's path): wasm2c keeps an image's trap target in globals, so one call at a time per
 * image. Static on purpose: every translation unit that includes it gets its own lock word. */
#ifndef HEAPWISE_IMAGE_LOCK_H
#define HEAPWISE_IMAGE_LOCK_H

#include <linux/futex.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The image lock: a futex lock (Drepper's "mutex2"), inlined. Uncontended, one CAS to take and
 * one exchange to release, without pthread_mutex_lock/unlock's calls and type dispatch (on the
 * path of every decision). Contended, waiters sleep in the kernel as with a mutex. */
static atomic_int image_lock_word; /* 0 free, 1 held, 2 held with waiters */

static void __attribute__((noinline)) image_lock_wait(int c) {
  if (c != 2) c = atomic_exchange_explicit(&image_lock_word, 2, memory_order_acquire);
  while (c != 0) {
    syscall(SYS_futex, &image_lock_word, FUTEX_WAIT_PRIVATE, 2, NULL, NULL, 0);
    c = atomic_exchange_explicit(&image_lock_word, 2, memory_order_acquire);
  }
}

static inline void image_lock(void) {
  int c = 0;
  if (!atomic_compare_exchange_strong_explicit(&image_lock_word, &c, 1, memory_order_acquire, memory_order_relaxed)) image_lock_wait(c);
}

static inline void image_unlock(void) {
  if (atomic_exchange_explicit(&image_lock_word, 0, memory_order_release) == 2)
    syscall(SYS_futex, &image_lock_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

#endif
