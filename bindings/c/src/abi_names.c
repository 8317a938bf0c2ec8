/* Names of ABI enum values, keyed by the generated defines so they cannot drift. */
#include <stddef.h>
#include <string.h>

#include "outcome.h"

#define EVENT(x) [HW_EVENT_KIND_##x] = #x
static const char *const EVENT_NAMES[] = {EVENT(PLACE), EVENT(ATTACH), EVENT(DEVICE_BEGIN), EVENT(DEVICE_END),
                                          EVENT(CPU_BEGIN), EVENT(CPU_END), EVENT(EXPORT), EVENT(FREE)};

#define OP(x) [HW_OP_KIND_##x] = #x
static const char *const OP_NAMES[] = {OP(ALLOC), OP(SET_NAME), OP(SYNC), OP(FAIL)};

#define REASON(x) [HW_REASON_##x] = #x
static const char *const REASON_NAMES[] = {
    REASON(DMA_MASK), REASON(NOT_CONTIGUOUS), REASON(NOT_PROTECTED), REASON(DEVICE_NOT_PROTECTED), REASON(PROTECTED_HEAP),
    REASON(NO_CPU_ACCESS), REASON(TOO_LARGE), REASON(ALLOC_FAILED), REASON(NOT_LISTED), REASON(OVER_BUDGET),
    REASON(PREFERRED), REASON(SYSTEM_FIRST), REASON(UNCACHED_CPU_WRITES), REASON(CACHED_CPU_READS), REASON(CONTIGUOUS_NEEDED),
    REASON(LISTED_ORDER), REASON(SCARCE_LAST), REASON(NO_HEAP_FITS), REASON(NO_DEVICES), REASON(CPU_INVALIDATE),
    REASON(CPU_CLEAN), REASON(LAZY_END), REASON(EXPORTED_BRACKET), REASON(COHERENT_ELIDED), REASON(UNCACHED_ELIDED),
    REASON(CPU_DOMAIN_ELIDED), REASON(DEVICE_HANDOFF_ELIDED), REASON(FREE_CLOSE)};

#define LOOKUP(table, i) ((i) < sizeof table / sizeof table[0] ? table[i] : NULL)

const char *hw_event_kind_name(uint32_t kind) { return LOOKUP(EVENT_NAMES, kind); }
const char *hw_op_kind_name(uint32_t kind) { return LOOKUP(OP_NAMES, kind); }
const char *hw_reason_name(uint32_t code) { return LOOKUP(REASON_NAMES, code); }

int hw_utf8_valid(const uint8_t *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    /* Names are mostly ASCII: eight bytes at a time while no byte has its top bit set. */
    uint64_t w;
    if (i + 8 <= n && (memcpy(&w, s + i, 8), (w & 0x8080808080808080ull) == 0)) { i += 8; continue; }
    uint8_t c = s[i];
    if (c < 0x80) { i++; continue; }
    size_t k;
    uint32_t cp, min;
    if ((c & 0xe0) == 0xc0) k = 1, cp = c & 0x1f, min = 0x80;
    else if ((c & 0xf0) == 0xe0) k = 2, cp = c & 0x0f, min = 0x800;
    else if ((c & 0xf8) == 0xf0) k = 3, cp = c & 0x07, min = 0x10000;
    else return 0;
    for (size_t j = 1; j <= k; j++) {
      if (i + j >= n || (s[i + j] & 0xc0) != 0x80) return 0;
      cp = cp << 6 | (s[i + j] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) return 0;
    i += k + 1;
  }
  return 1;
}
