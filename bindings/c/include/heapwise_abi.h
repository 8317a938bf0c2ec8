/* Generated from abi/v1.json by scripts/gen-abi.mjs. Do not edit. */
#ifndef HEAPWISE_ABI_H
#define HEAPWISE_ABI_H

#include <stddef.h>
#include <stdint.h>

#define HW_ABI_MAJOR 1
#define HW_ABI_MINOR 0

/* No heap, no device (u32 all ones). */
#define HW_NONE 4294967295u
/* Heaps per platform: heap sets travel as u64 bit masks. */
#define HW_MAX_HEAPS 64u
/* Devices per platform: attachment sets travel as u64 bit masks. */
#define HW_MAX_DEVICES 64u
/* Every allocation is rounded up to at least a page. */
#define HW_PAGE_SIZE 4096u
/* Bytes of the module's input region (platform blob or one event). */
#define HW_INPUT_CAPACITY 65536u
/* Bytes of the module's output region. */
#define HW_OUTPUT_CAPACITY 16384u
/* DMA_BUF_NAME_LEN: a buffer name is at most 31 bytes plus NUL. */
#define HW_NAME_CAPACITY 32u
/* Operation slots in the output region; hosts cap lower (default 64). */
#define HW_MAX_OPS 256u
/* Explanation slots in the output region. */
#define HW_MAX_EXPLAIN 128u
/* Input offset of the buffer name bytes of an event (NAME_CAPACITY bytes). */
#define HW_EVENT_NAME_OFFSET 96u
/* Input offset of u64[heapCount]: bytes currently allocated per heap (PLACE events). */
#define HW_EVENT_USAGE_OFFSET 128u
/* Output offset of the Op array. */
#define HW_OUT_OPS_OFFSET 48u
/* Output offset of the Explain array (OUT_OPS_OFFSET + MAX_OPS * 24). */
#define HW_OUT_EXPLAIN_OFFSET 6192u
/* Output offset of the string bytes SET_NAME ops point into (OUT_EXPLAIN_OFFSET + MAX_EXPLAIN * 16). */
#define HW_OUT_STRINGS_OFFSET 8240u
/* OUTPUT_CAPACITY - OUT_STRINGS_OFFSET. */
#define HW_OUT_STRINGS_CAPACITY 8144u
/* O_RDWR | O_CLOEXEC, what every user passes to DMA_HEAP_IOCTL_ALLOC. */
#define HW_FD_FLAGS_DEFAULT 524290u
/* O_ACCMODE | O_CLOEXEC: the only fd_flags the kernel accepts. */
#define HW_FD_FLAGS_VALID 524291u

/* What kind of memory a heap hands out; inferred from the node name when a platform omits it. */
#define HW_HEAP_KIND_SYSTEM (1)
#define HW_HEAP_KIND_SYSTEM_UNCACHED (2)
#define HW_HEAP_KIND_CMA (3)
#define HW_HEAP_KIND_CARVEOUT (4)
#define HW_HEAP_KIND_PROTECTED (5)
#define HW_HEAP_KIND_UDMABUF (6)

/* Heap capability bits (Heap.flags). */
#define HW_HEAP_FLAG_CONTIGUOUS (1)
#define HW_HEAP_FLAG_CACHED (2)
#define HW_HEAP_FLAG_CPU_ACCESS (4)
#define HW_HEAP_FLAG_PROTECTED (8)

/* Device property bits (Device.flags). CONTIGUOUS_YES/NO record an explicit "contiguous" in the platform; neither means: contiguous iff no IOMMU. */
#define HW_DEVICE_FLAG_IOMMU (1)
#define HW_DEVICE_FLAG_COHERENT (2)
#define HW_DEVICE_FLAG_CONTIGUOUS_YES (4)
#define HW_DEVICE_FLAG_CONTIGUOUS_NO (8)
#define HW_DEVICE_FLAG_PROTECTED (16)

/* Who reads or writes: CPU usage of a buffer, or one access by the CPU or a device. */
#define HW_ACCESS_NONE (0)
#define HW_ACCESS_READ (1)
#define HW_ACCESS_WRITE (2)
#define HW_ACCESS_READWRITE (3)

/* Events the host hands the module (Event.kind). */
#define HW_EVENT_KIND_PLACE (1)
#define HW_EVENT_KIND_ATTACH (2)
#define HW_EVENT_KIND_DEVICE_BEGIN (3)
#define HW_EVENT_KIND_DEVICE_END (4)
#define HW_EVENT_KIND_CPU_BEGIN (5)
#define HW_EVENT_KIND_CPU_END (6)
#define HW_EVENT_KIND_EXPORT (7)
#define HW_EVENT_KIND_FREE (8)

/* Buffer bits (Event.flags), kept by the host. */
#define HW_BUFFER_FLAG_PROTECTED (1)
#define HW_BUFFER_FLAG_DEFERRED (2)
#define HW_BUFFER_FLAG_EXPORTED (4)
#define HW_BUFFER_FLAG_NAMED (8)

/* Operations the module asks the host to execute (Op.kind). */
#define HW_OP_KIND_ALLOC (1)
#define HW_OP_KIND_SET_NAME (2)
#define HW_OP_KIND_SYNC (3)
#define HW_OP_KIND_FAIL (4)

/* struct dma_buf_sync flags (uapi/linux/dma-buf.h); Op.arg of a SYNC. */
#define HW_SYNC_FLAG_READ (1)
#define HW_SYNC_FLAG_WRITE (2)
#define HW_SYNC_FLAG_RW (3)
#define HW_SYNC_FLAG_START (0)
#define HW_SYNC_FLAG_END (4)

/* Where the freshest copy of a buffer's data lives (BufferState.domain). */
#define HW_DOMAIN_NONE (0)
#define HW_DOMAIN_CPU (1)
#define HW_DOMAIN_DEVICE (2)

/* What an Explain entry is about. */
#define HW_SUBJECT_HEAP (1)
#define HW_SUBJECT_SYNC (2)
#define HW_SUBJECT_BUFFER (3)

/* Explain.verdict: for heaps, chosen / fallback (in rank order) / rejected; for syncs, issued or elided. */
#define HW_VERDICT_CHOSEN (1)
#define HW_VERDICT_FALLBACK (2)
#define HW_VERDICT_REJECTED (3)
#define HW_VERDICT_ISSUED (4)
#define HW_VERDICT_ELIDED (5)

/* Explain.code and FAIL Op.arg. 1-31: a hard constraint rejected a heap (Explain.device names the device where one is at fault, Explain.detail a number the text uses). 32-63: why a kept heap ranks where it does. 64-95: why a buffer could not be placed. 96-127: why a sync was issued or elided. */
#define HW_REASON_DMA_MASK (1)
#define HW_REASON_NOT_CONTIGUOUS (2)
#define HW_REASON_NOT_PROTECTED (3)
#define HW_REASON_DEVICE_NOT_PROTECTED (4)
#define HW_REASON_PROTECTED_HEAP (5)
#define HW_REASON_NO_CPU_ACCESS (6)
#define HW_REASON_TOO_LARGE (7)
#define HW_REASON_ALLOC_FAILED (8)
#define HW_REASON_NOT_LISTED (9)
#define HW_REASON_OVER_BUDGET (10)
#define HW_REASON_PREFERRED (32)
#define HW_REASON_SYSTEM_FIRST (33)
#define HW_REASON_UNCACHED_CPU_WRITES (34)
#define HW_REASON_CACHED_CPU_READS (35)
#define HW_REASON_CONTIGUOUS_NEEDED (36)
#define HW_REASON_LISTED_ORDER (37)
#define HW_REASON_SCARCE_LAST (38)
#define HW_REASON_NO_HEAP_FITS (64)
#define HW_REASON_NO_DEVICES (65)
#define HW_REASON_CPU_INVALIDATE (96)
#define HW_REASON_CPU_CLEAN (97)
#define HW_REASON_LAZY_END (98)
#define HW_REASON_EXPORTED_BRACKET (99)
#define HW_REASON_COHERENT_ELIDED (100)
#define HW_REASON_UNCACHED_ELIDED (101)
#define HW_REASON_CPU_DOMAIN_ELIDED (102)
#define HW_REASON_DEVICE_HANDOFF_ELIDED (103)
#define HW_REASON_FREE_CLOSE (104)

/* Return value of hw_init and hw_event: 0 or a negative error. */
#define HW_STATUS_OK (0)
#define HW_STATUS_BAD_INPUT (-1)
#define HW_STATUS_UNSUPPORTED (-2)
#define HW_STATUS_INTERNAL (-3)

/* Start of the platform blob written to the input region before hw_init. Heap records follow at heapsOffset, Device records at devicesOffset; Device.prefOffset points at u32 heap indexes, names at UTF-8 bytes, all offsets from the blob start. */
typedef struct hw_platform_header {
  uint32_t heap_count;
  uint32_t device_count;
  uint32_t heaps_offset;
  uint32_t devices_offset;
} hw_platform_header;
_Static_assert(sizeof(hw_platform_header) == 16, "PlatformHeader size");
_Static_assert(offsetof(hw_platform_header, heap_count) == 0, "PlatformHeader.heapCount");
_Static_assert(offsetof(hw_platform_header, device_count) == 4, "PlatformHeader.deviceCount");
_Static_assert(offsetof(hw_platform_header, heaps_offset) == 8, "PlatformHeader.heapsOffset");
_Static_assert(offsetof(hw_platform_header, devices_offset) == 12, "PlatformHeader.devicesOffset");

/* One DMA-BUF heap (or udmabuf). maxAddressBits 64 = anywhere; size 0 = unbounded; granule is a power of two >= 1. */
typedef struct hw_heap {
  uint32_t kind;
  uint32_t flags;
  uint32_t max_address_bits;
  uint32_t name_offset;
  uint32_t name_len;
  uint32_t reserved0;
  uint64_t size;
  uint64_t granule;
  uint64_t reserved1;
} hw_heap;
_Static_assert(sizeof(hw_heap) == 48, "Heap size");
_Static_assert(offsetof(hw_heap, kind) == 0, "Heap.kind");
_Static_assert(offsetof(hw_heap, flags) == 4, "Heap.flags");
_Static_assert(offsetof(hw_heap, max_address_bits) == 8, "Heap.maxAddressBits");
_Static_assert(offsetof(hw_heap, name_offset) == 12, "Heap.nameOffset");
_Static_assert(offsetof(hw_heap, name_len) == 16, "Heap.nameLen");
_Static_assert(offsetof(hw_heap, reserved0) == 20, "Heap.reserved0");
_Static_assert(offsetof(hw_heap, size) == 24, "Heap.size");
_Static_assert(offsetof(hw_heap, granule) == 32, "Heap.granule");
_Static_assert(offsetof(hw_heap, reserved1) == 40, "Heap.reserved1");

/* One device that attaches buffers. alignment is a power of two (1 = none). prefCount heap indexes at prefOffset, most preferred first. */
typedef struct hw_device {
  uint32_t dma_mask_bits;
  uint32_t flags;
  uint64_t alignment;
  uint32_t pref_offset;
  uint32_t pref_count;
  uint32_t name_offset;
  uint32_t name_len;
  uint64_t reserved0;
} hw_device;
_Static_assert(sizeof(hw_device) == 40, "Device size");
_Static_assert(offsetof(hw_device, dma_mask_bits) == 0, "Device.dmaMaskBits");
_Static_assert(offsetof(hw_device, flags) == 4, "Device.flags");
_Static_assert(offsetof(hw_device, alignment) == 8, "Device.alignment");
_Static_assert(offsetof(hw_device, pref_offset) == 16, "Device.prefOffset");
_Static_assert(offsetof(hw_device, pref_count) == 20, "Device.prefCount");
_Static_assert(offsetof(hw_device, name_offset) == 24, "Device.nameOffset");
_Static_assert(offsetof(hw_device, name_len) == 28, "Device.nameLen");
_Static_assert(offsetof(hw_device, reserved0) == 32, "Device.reserved0");

/* Per-buffer cache-domain state. The host stores it between events, hands it in with every event and takes back the module's new copy from the output header, so modules stay stateless and a swapped-in module continues where the last one stopped. domain: Domain; openStart: SyncFlag bits of the START not yet matched by an END (0 = none); cpuActive: 1 between CPU_BEGIN and CPU_END; devicesActive: devices between DEVICE_BEGIN and DEVICE_END; scratch words belong to the module. */
typedef struct hw_buffer_state {
  uint8_t domain;
  uint8_t open_start;
  uint8_t cpu_active;
  uint8_t dirty;
  uint32_t generation;
  uint64_t devices_active;
  uint64_t scratch0;
  uint64_t scratch1;
} hw_buffer_state;
_Static_assert(sizeof(hw_buffer_state) == 32, "BufferState size");
_Static_assert(offsetof(hw_buffer_state, domain) == 0, "BufferState.domain");
_Static_assert(offsetof(hw_buffer_state, open_start) == 1, "BufferState.openStart");
_Static_assert(offsetof(hw_buffer_state, cpu_active) == 2, "BufferState.cpuActive");
_Static_assert(offsetof(hw_buffer_state, dirty) == 3, "BufferState.dirty");
_Static_assert(offsetof(hw_buffer_state, generation) == 4, "BufferState.generation");
_Static_assert(offsetof(hw_buffer_state, devices_active) == 8, "BufferState.devicesActive");
_Static_assert(offsetof(hw_buffer_state, scratch0) == 16, "BufferState.scratch0");
_Static_assert(offsetof(hw_buffer_state, scratch1) == 24, "BufferState.scratch1");

/* One event, at offset 0 of the input region before hw_event. device: the device of ATTACH / DEVICE_BEGIN / DEVICE_END, else NONE. access: Access of a BEGIN. size: the requested size. devices: every attached device (bit i = device i). failedHeaps: heaps that already failed for this buffer (a PLACE retry after ENOMEM sets it and lastErrno). heap: current placement or NONE. cpu: declared CPU usage (Access). The name (nameLen bytes) is at EVENT_NAME_OFFSET; for PLACE, per-heap usage at EVENT_USAGE_OFFSET. */
typedef struct hw_event {
  uint32_t kind;
  uint32_t buf;
  uint32_t device;
  uint32_t access;
  uint64_t size;
  uint64_t devices;
  uint64_t failed_heaps;
  uint32_t heap;
  uint32_t cpu;
  uint32_t flags;
  uint32_t last_errno;
  uint32_t name_len;
  uint32_t reserved0;
  hw_buffer_state state;
} hw_event;
_Static_assert(sizeof(hw_event) == 96, "Event size");
_Static_assert(offsetof(hw_event, kind) == 0, "Event.kind");
_Static_assert(offsetof(hw_event, buf) == 4, "Event.buf");
_Static_assert(offsetof(hw_event, device) == 8, "Event.device");
_Static_assert(offsetof(hw_event, access) == 12, "Event.access");
_Static_assert(offsetof(hw_event, size) == 16, "Event.size");
_Static_assert(offsetof(hw_event, devices) == 24, "Event.devices");
_Static_assert(offsetof(hw_event, failed_heaps) == 32, "Event.failedHeaps");
_Static_assert(offsetof(hw_event, heap) == 40, "Event.heap");
_Static_assert(offsetof(hw_event, cpu) == 44, "Event.cpu");
_Static_assert(offsetof(hw_event, flags) == 48, "Event.flags");
_Static_assert(offsetof(hw_event, last_errno) == 52, "Event.lastErrno");
_Static_assert(offsetof(hw_event, name_len) == 56, "Event.nameLen");
_Static_assert(offsetof(hw_event, reserved0) == 60, "Event.reserved0");
_Static_assert(offsetof(hw_event, state) == 64, "Event.state");

/* Start of the output region after hw_event. Ops at OUT_OPS_OFFSET, Explain entries at OUT_EXPLAIN_OFFSET, string bytes at OUT_STRINGS_OFFSET. state is the buffer's new BufferState. */
typedef struct hw_out_header {
  uint32_t op_count;
  uint32_t explain_count;
  uint32_t strings_len;
  uint32_t reserved0;
  hw_buffer_state state;
} hw_out_header;
_Static_assert(sizeof(hw_out_header) == 48, "OutHeader size");
_Static_assert(offsetof(hw_out_header, op_count) == 0, "OutHeader.opCount");
_Static_assert(offsetof(hw_out_header, explain_count) == 4, "OutHeader.explainCount");
_Static_assert(offsetof(hw_out_header, strings_len) == 8, "OutHeader.stringsLen");
_Static_assert(offsetof(hw_out_header, reserved0) == 12, "OutHeader.reserved0");
_Static_assert(offsetof(hw_out_header, state) == 16, "OutHeader.state");

/* One operation. ALLOC: heap, arg = fd flags, value = rounded size. SET_NAME: arg = name length, value = offset in the strings area. SYNC: arg = SyncFlag bits. FAIL: arg = Reason. buf must be the event's buffer. */
typedef struct hw_op {
  uint32_t kind;
  uint32_t buf;
  uint32_t heap;
  uint32_t arg;
  uint64_t value;
} hw_op;
_Static_assert(sizeof(hw_op) == 24, "Op size");
_Static_assert(offsetof(hw_op, kind) == 0, "Op.kind");
_Static_assert(offsetof(hw_op, buf) == 4, "Op.buf");
_Static_assert(offsetof(hw_op, heap) == 8, "Op.heap");
_Static_assert(offsetof(hw_op, arg) == 12, "Op.arg");
_Static_assert(offsetof(hw_op, value) == 16, "Op.value");

/* One reason behind the decision. HEAP subject: heap and verdict (CHOSEN, FALLBACK in rank order, REJECTED with the device at fault or NONE). SYNC subject: verdict ISSUED or ELIDED, detail = SyncFlag bits. code: Reason; detail: a number the text uses (mask bits, bytes, ...). */
typedef struct hw_explain {
  uint8_t subject;
  uint8_t verdict;
  uint16_t code;
  uint32_t heap;
  uint32_t device;
  uint32_t detail;
} hw_explain;
_Static_assert(sizeof(hw_explain) == 16, "Explain size");
_Static_assert(offsetof(hw_explain, subject) == 0, "Explain.subject");
_Static_assert(offsetof(hw_explain, verdict) == 1, "Explain.verdict");
_Static_assert(offsetof(hw_explain, code) == 2, "Explain.code");
_Static_assert(offsetof(hw_explain, heap) == 4, "Explain.heap");
_Static_assert(offsetof(hw_explain, device) == 8, "Explain.device");
_Static_assert(offsetof(hw_explain, detail) == 12, "Explain.detail");

#endif /* HEAPWISE_ABI_H */
