// Generated from abi/v1.json by scripts/gen-abi.mjs. Do not edit.

export const ABI_MAJOR: i32 = 1;
export const ABI_MINOR: i32 = 0;

/** No heap, no device (u32 all ones). */
export const NONE: u32 = 4294967295;
/** Heaps per platform: heap sets travel as u64 bit masks. */
export const MAX_HEAPS: u32 = 64;
/** Devices per platform: attachment sets travel as u64 bit masks. */
export const MAX_DEVICES: u32 = 64;
/** Every allocation is rounded up to at least a page. */
export const PAGE_SIZE: u32 = 4096;
/** Bytes of the module's input region (platform blob or one event). */
export const INPUT_CAPACITY: u32 = 65536;
/** Bytes of the module's output region. */
export const OUTPUT_CAPACITY: u32 = 16384;
/** DMA_BUF_NAME_LEN: a buffer name is at most 31 bytes plus NUL. */
export const NAME_CAPACITY: u32 = 32;
/** Operation slots in the output region; hosts cap lower (default 64). */
export const MAX_OPS: u32 = 256;
/** Explanation slots in the output region. */
export const MAX_EXPLAIN: u32 = 128;
/** Input offset of the buffer name bytes of an event (NAME_CAPACITY bytes). */
export const EVENT_NAME_OFFSET: u32 = 96;
/** Input offset of u64[heapCount]: bytes currently allocated per heap (PLACE events). */
export const EVENT_USAGE_OFFSET: u32 = 128;
/** Output offset of the Op array. */
export const OUT_OPS_OFFSET: u32 = 48;
/** Output offset of the Explain array (OUT_OPS_OFFSET + MAX_OPS * 24). */
export const OUT_EXPLAIN_OFFSET: u32 = 6192;
/** Output offset of the string bytes SET_NAME ops point into (OUT_EXPLAIN_OFFSET + MAX_EXPLAIN * 16). */
export const OUT_STRINGS_OFFSET: u32 = 8240;
/** OUTPUT_CAPACITY - OUT_STRINGS_OFFSET. */
export const OUT_STRINGS_CAPACITY: u32 = 8144;
/** O_RDWR | O_CLOEXEC, what every user passes to DMA_HEAP_IOCTL_ALLOC. */
export const FD_FLAGS_DEFAULT: u32 = 524290;
/** O_ACCMODE | O_CLOEXEC: the only fd_flags the kernel accepts. */
export const FD_FLAGS_VALID: u32 = 524291;

/** What kind of memory a heap hands out; inferred from the node name when a platform omits it. */
export namespace HeapKind {
  export const SYSTEM: u32 = 1;
  export const SYSTEM_UNCACHED: u32 = 2;
  export const CMA: u32 = 3;
  export const CARVEOUT: u32 = 4;
  export const PROTECTED: u32 = 5;
  export const UDMABUF: u32 = 6;
}

/** The name of a HeapKind value (static strings: nothing allocated). */
export function HeapKindName(v: u32): string {
  switch (v) {
    case 1: return 'SYSTEM';
    case 2: return 'SYSTEM_UNCACHED';
    case 3: return 'CMA';
    case 4: return 'CARVEOUT';
    case 5: return 'PROTECTED';
    case 6: return 'UDMABUF';
    default: return '?';
  }
}

/** Heap capability bits (Heap.flags). */
export namespace HeapFlag {
  export const CONTIGUOUS: u32 = 1;
  export const CACHED: u32 = 2;
  export const CPU_ACCESS: u32 = 4;
  export const PROTECTED: u32 = 8;
}

/** The name of a HeapFlag value (static strings: nothing allocated). */
export function HeapFlagName(v: u32): string {
  switch (v) {
    case 1: return 'CONTIGUOUS';
    case 2: return 'CACHED';
    case 4: return 'CPU_ACCESS';
    case 8: return 'PROTECTED';
    default: return '?';
  }
}

/** Device property bits (Device.flags). CONTIGUOUS_YES/NO record an explicit "contiguous" in the platform; neither means: contiguous iff no IOMMU. */
export namespace DeviceFlag {
  export const IOMMU: u32 = 1;
  export const COHERENT: u32 = 2;
  export const CONTIGUOUS_YES: u32 = 4;
  export const CONTIGUOUS_NO: u32 = 8;
  export const PROTECTED: u32 = 16;
}

/** The name of a DeviceFlag value (static strings: nothing allocated). */
export function DeviceFlagName(v: u32): string {
  switch (v) {
    case 1: return 'IOMMU';
    case 2: return 'COHERENT';
    case 4: return 'CONTIGUOUS_YES';
    case 8: return 'CONTIGUOUS_NO';
    case 16: return 'PROTECTED';
    default: return '?';
  }
}

/** Who reads or writes: CPU usage of a buffer, or one access by the CPU or a device. */
export namespace Access {
  export const NONE: u32 = 0;
  export const READ: u32 = 1;
  export const WRITE: u32 = 2;
  export const READWRITE: u32 = 3;
}

/** The name of a Access value (static strings: nothing allocated). */
export function AccessName(v: u32): string {
  switch (v) {
    case 0: return 'NONE';
    case 1: return 'READ';
    case 2: return 'WRITE';
    case 3: return 'READWRITE';
    default: return '?';
  }
}

/** Events the host hands the module (Event.kind). */
export namespace EventKind {
  export const PLACE: u32 = 1;
  export const ATTACH: u32 = 2;
  export const DEVICE_BEGIN: u32 = 3;
  export const DEVICE_END: u32 = 4;
  export const CPU_BEGIN: u32 = 5;
  export const CPU_END: u32 = 6;
  export const EXPORT: u32 = 7;
  export const FREE: u32 = 8;
}

/** The name of a EventKind value (static strings: nothing allocated). */
export function EventKindName(v: u32): string {
  switch (v) {
    case 1: return 'PLACE';
    case 2: return 'ATTACH';
    case 3: return 'DEVICE_BEGIN';
    case 4: return 'DEVICE_END';
    case 5: return 'CPU_BEGIN';
    case 6: return 'CPU_END';
    case 7: return 'EXPORT';
    case 8: return 'FREE';
    default: return '?';
  }
}

/** Buffer bits (Event.flags), kept by the host. */
export namespace BufferFlag {
  export const PROTECTED: u32 = 1;
  export const DEFERRED: u32 = 2;
  export const EXPORTED: u32 = 4;
  export const NAMED: u32 = 8;
}

/** The name of a BufferFlag value (static strings: nothing allocated). */
export function BufferFlagName(v: u32): string {
  switch (v) {
    case 1: return 'PROTECTED';
    case 2: return 'DEFERRED';
    case 4: return 'EXPORTED';
    case 8: return 'NAMED';
    default: return '?';
  }
}

/** Operations the module asks the host to execute (Op.kind). */
export namespace OpKind {
  export const ALLOC: u32 = 1;
  export const SET_NAME: u32 = 2;
  export const SYNC: u32 = 3;
  export const FAIL: u32 = 4;
}

/** The name of a OpKind value (static strings: nothing allocated). */
export function OpKindName(v: u32): string {
  switch (v) {
    case 1: return 'ALLOC';
    case 2: return 'SET_NAME';
    case 3: return 'SYNC';
    case 4: return 'FAIL';
    default: return '?';
  }
}

/** struct dma_buf_sync flags (uapi/linux/dma-buf.h); Op.arg of a SYNC. */
export namespace SyncFlag {
  export const READ: u32 = 1;
  export const WRITE: u32 = 2;
  export const RW: u32 = 3;
  export const START: u32 = 0;
  export const END: u32 = 4;
}

/** Where the freshest copy of a buffer's data lives (BufferState.domain). */
export namespace Domain {
  export const NONE: u32 = 0;
  export const CPU: u32 = 1;
  export const DEVICE: u32 = 2;
}

/** The name of a Domain value (static strings: nothing allocated). */
export function DomainName(v: u32): string {
  switch (v) {
    case 0: return 'NONE';
    case 1: return 'CPU';
    case 2: return 'DEVICE';
    default: return '?';
  }
}

/** What an Explain entry is about. */
export namespace Subject {
  export const HEAP: u32 = 1;
  export const SYNC: u32 = 2;
  export const BUFFER: u32 = 3;
}

/** The name of a Subject value (static strings: nothing allocated). */
export function SubjectName(v: u32): string {
  switch (v) {
    case 1: return 'HEAP';
    case 2: return 'SYNC';
    case 3: return 'BUFFER';
    default: return '?';
  }
}

/** Explain.verdict: for heaps, chosen / fallback (in rank order) / rejected; for syncs, issued or elided. */
export namespace Verdict {
  export const CHOSEN: u32 = 1;
  export const FALLBACK: u32 = 2;
  export const REJECTED: u32 = 3;
  export const ISSUED: u32 = 4;
  export const ELIDED: u32 = 5;
}

/** The name of a Verdict value (static strings: nothing allocated). */
export function VerdictName(v: u32): string {
  switch (v) {
    case 1: return 'CHOSEN';
    case 2: return 'FALLBACK';
    case 3: return 'REJECTED';
    case 4: return 'ISSUED';
    case 5: return 'ELIDED';
    default: return '?';
  }
}

/** Explain.code and FAIL Op.arg. 1-31: a hard constraint rejected a heap (Explain.device names the device where one is at fault, Explain.detail a number the text uses). 32-63: why a kept heap ranks where it does. 64-95: why a buffer could not be placed. 96-127: why a sync was issued or elided. */
export namespace Reason {
  export const DMA_MASK: u32 = 1;
  export const NOT_CONTIGUOUS: u32 = 2;
  export const NOT_PROTECTED: u32 = 3;
  export const DEVICE_NOT_PROTECTED: u32 = 4;
  export const PROTECTED_HEAP: u32 = 5;
  export const NO_CPU_ACCESS: u32 = 6;
  export const TOO_LARGE: u32 = 7;
  export const ALLOC_FAILED: u32 = 8;
  export const NOT_LISTED: u32 = 9;
  export const OVER_BUDGET: u32 = 10;
  export const PREFERRED: u32 = 32;
  export const SYSTEM_FIRST: u32 = 33;
  export const UNCACHED_CPU_WRITES: u32 = 34;
  export const CACHED_CPU_READS: u32 = 35;
  export const CONTIGUOUS_NEEDED: u32 = 36;
  export const LISTED_ORDER: u32 = 37;
  export const SCARCE_LAST: u32 = 38;
  export const NO_HEAP_FITS: u32 = 64;
  export const NO_DEVICES: u32 = 65;
  export const CPU_INVALIDATE: u32 = 96;
  export const CPU_CLEAN: u32 = 97;
  export const LAZY_END: u32 = 98;
  export const EXPORTED_BRACKET: u32 = 99;
  export const COHERENT_ELIDED: u32 = 100;
  export const UNCACHED_ELIDED: u32 = 101;
  export const CPU_DOMAIN_ELIDED: u32 = 102;
  export const DEVICE_HANDOFF_ELIDED: u32 = 103;
  export const FREE_CLOSE: u32 = 104;
}

/** The name of a Reason value (static strings: nothing allocated). */
export function ReasonName(v: u32): string {
  switch (v) {
    case 1: return 'DMA_MASK';
    case 2: return 'NOT_CONTIGUOUS';
    case 3: return 'NOT_PROTECTED';
    case 4: return 'DEVICE_NOT_PROTECTED';
    case 5: return 'PROTECTED_HEAP';
    case 6: return 'NO_CPU_ACCESS';
    case 7: return 'TOO_LARGE';
    case 8: return 'ALLOC_FAILED';
    case 9: return 'NOT_LISTED';
    case 10: return 'OVER_BUDGET';
    case 32: return 'PREFERRED';
    case 33: return 'SYSTEM_FIRST';
    case 34: return 'UNCACHED_CPU_WRITES';
    case 35: return 'CACHED_CPU_READS';
    case 36: return 'CONTIGUOUS_NEEDED';
    case 37: return 'LISTED_ORDER';
    case 38: return 'SCARCE_LAST';
    case 64: return 'NO_HEAP_FITS';
    case 65: return 'NO_DEVICES';
    case 96: return 'CPU_INVALIDATE';
    case 97: return 'CPU_CLEAN';
    case 98: return 'LAZY_END';
    case 99: return 'EXPORTED_BRACKET';
    case 100: return 'COHERENT_ELIDED';
    case 101: return 'UNCACHED_ELIDED';
    case 102: return 'CPU_DOMAIN_ELIDED';
    case 103: return 'DEVICE_HANDOFF_ELIDED';
    case 104: return 'FREE_CLOSE';
    default: return '?';
  }
}

/** Return value of hw_init and hw_event: 0 or a negative error. */
export namespace Status {
  export const OK: i32 = 0;
  export const BAD_INPUT: i32 = -1;
  export const UNSUPPORTED: i32 = -2;
  export const INTERNAL: i32 = -3;
}

/** The name of a Status value (static strings: nothing allocated). */
export function StatusName(v: i32): string {
  switch (v) {
    case 0: return 'OK';
    case -1: return 'BAD_INPUT';
    case -2: return 'UNSUPPORTED';
    case -3: return 'INTERNAL';
    default: return '?';
  }
}

export const PLATFORM_HEADER_SIZE: usize = 16;

/** Start of the platform blob written to the input region before hw_init. Heap records follow at heapsOffset, Device records at devicesOffset; Device.prefOffset points at u32 heap indexes, names at UTF-8 bytes, all offsets from the blob start. */
@unmanaged
export class PlatformHeader {
  @inline get heapCount(): u32 { return load<u32>(changetype<usize>(this), 0); }
  @inline set heapCount(v: u32) { store<u32>(changetype<usize>(this), v, 0); }
  @inline get deviceCount(): u32 { return load<u32>(changetype<usize>(this), 4); }
  @inline set deviceCount(v: u32) { store<u32>(changetype<usize>(this), v, 4); }
  @inline get heapsOffset(): u32 { return load<u32>(changetype<usize>(this), 8); }
  @inline set heapsOffset(v: u32) { store<u32>(changetype<usize>(this), v, 8); }
  @inline get devicesOffset(): u32 { return load<u32>(changetype<usize>(this), 12); }
  @inline set devicesOffset(v: u32) { store<u32>(changetype<usize>(this), v, 12); }
  @inline static at(ptr: usize): PlatformHeader { return changetype<PlatformHeader>(ptr); }
}

export const HEAP_SIZE: usize = 48;

/** One DMA-BUF heap (or udmabuf). maxAddressBits 64 = anywhere; size 0 = unbounded; granule is a power of two >= 1. */
@unmanaged
export class Heap {
  @inline get kind(): u32 { return load<u32>(changetype<usize>(this), 0); }
  @inline set kind(v: u32) { store<u32>(changetype<usize>(this), v, 0); }
  @inline get flags(): u32 { return load<u32>(changetype<usize>(this), 4); }
  @inline set flags(v: u32) { store<u32>(changetype<usize>(this), v, 4); }
  @inline get maxAddressBits(): u32 { return load<u32>(changetype<usize>(this), 8); }
  @inline set maxAddressBits(v: u32) { store<u32>(changetype<usize>(this), v, 8); }
  @inline get nameOffset(): u32 { return load<u32>(changetype<usize>(this), 12); }
  @inline set nameOffset(v: u32) { store<u32>(changetype<usize>(this), v, 12); }
  @inline get nameLen(): u32 { return load<u32>(changetype<usize>(this), 16); }
  @inline set nameLen(v: u32) { store<u32>(changetype<usize>(this), v, 16); }
  @inline get reserved0(): u32 { return load<u32>(changetype<usize>(this), 20); }
  @inline set reserved0(v: u32) { store<u32>(changetype<usize>(this), v, 20); }
  @inline get size(): u64 { return load<u64>(changetype<usize>(this), 24); }
  @inline set size(v: u64) { store<u64>(changetype<usize>(this), v, 24); }
  @inline get granule(): u64 { return load<u64>(changetype<usize>(this), 32); }
  @inline set granule(v: u64) { store<u64>(changetype<usize>(this), v, 32); }
  @inline get reserved1(): u64 { return load<u64>(changetype<usize>(this), 40); }
  @inline set reserved1(v: u64) { store<u64>(changetype<usize>(this), v, 40); }
  @inline static at(ptr: usize): Heap { return changetype<Heap>(ptr); }
}

export const DEVICE_SIZE: usize = 40;

/** One device that attaches buffers. alignment is a power of two (1 = none). prefCount heap indexes at prefOffset, most preferred first. */
@unmanaged
export class Device {
  @inline get dmaMaskBits(): u32 { return load<u32>(changetype<usize>(this), 0); }
  @inline set dmaMaskBits(v: u32) { store<u32>(changetype<usize>(this), v, 0); }
  @inline get flags(): u32 { return load<u32>(changetype<usize>(this), 4); }
  @inline set flags(v: u32) { store<u32>(changetype<usize>(this), v, 4); }
  @inline get alignment(): u64 { return load<u64>(changetype<usize>(this), 8); }
  @inline set alignment(v: u64) { store<u64>(changetype<usize>(this), v, 8); }
  @inline get prefOffset(): u32 { return load<u32>(changetype<usize>(this), 16); }
  @inline set prefOffset(v: u32) { store<u32>(changetype<usize>(this), v, 16); }
  @inline get prefCount(): u32 { return load<u32>(changetype<usize>(this), 20); }
  @inline set prefCount(v: u32) { store<u32>(changetype<usize>(this), v, 20); }
  @inline get nameOffset(): u32 { return load<u32>(changetype<usize>(this), 24); }
  @inline set nameOffset(v: u32) { store<u32>(changetype<usize>(this), v, 24); }
  @inline get nameLen(): u32 { return load<u32>(changetype<usize>(this), 28); }
  @inline set nameLen(v: u32) { store<u32>(changetype<usize>(this), v, 28); }
  @inline get reserved0(): u64 { return load<u64>(changetype<usize>(this), 32); }
  @inline set reserved0(v: u64) { store<u64>(changetype<usize>(this), v, 32); }
  @inline static at(ptr: usize): Device { return changetype<Device>(ptr); }
}

export const BUFFER_STATE_SIZE: usize = 32;

/** Per-buffer cache-domain state. The host stores it between events, hands it in with every event and takes back the module's new copy from the output header, so modules stay stateless and a swapped-in module continues where the last one stopped. domain: Domain; openStart: SyncFlag bits of the START not yet matched by an END (0 = none); cpuActive: 1 between CPU_BEGIN and CPU_END; devicesActive: devices between DEVICE_BEGIN and DEVICE_END; scratch words belong to the module. */
@unmanaged
export class BufferState {
  @inline get domain(): u8 { return load<u8>(changetype<usize>(this), 0); }
  @inline set domain(v: u8) { store<u8>(changetype<usize>(this), v, 0); }
  @inline get openStart(): u8 { return load<u8>(changetype<usize>(this), 1); }
  @inline set openStart(v: u8) { store<u8>(changetype<usize>(this), v, 1); }
  @inline get cpuActive(): u8 { return load<u8>(changetype<usize>(this), 2); }
  @inline set cpuActive(v: u8) { store<u8>(changetype<usize>(this), v, 2); }
  @inline get dirty(): u8 { return load<u8>(changetype<usize>(this), 3); }
  @inline set dirty(v: u8) { store<u8>(changetype<usize>(this), v, 3); }
  @inline get generation(): u32 { return load<u32>(changetype<usize>(this), 4); }
  @inline set generation(v: u32) { store<u32>(changetype<usize>(this), v, 4); }
  @inline get devicesActive(): u64 { return load<u64>(changetype<usize>(this), 8); }
  @inline set devicesActive(v: u64) { store<u64>(changetype<usize>(this), v, 8); }
  @inline get scratch0(): u64 { return load<u64>(changetype<usize>(this), 16); }
  @inline set scratch0(v: u64) { store<u64>(changetype<usize>(this), v, 16); }
  @inline get scratch1(): u64 { return load<u64>(changetype<usize>(this), 24); }
  @inline set scratch1(v: u64) { store<u64>(changetype<usize>(this), v, 24); }
  @inline static at(ptr: usize): BufferState { return changetype<BufferState>(ptr); }
}

export const EVENT_SIZE: usize = 96;

/** One event, at offset 0 of the input region before hw_event. device: the device of ATTACH / DEVICE_BEGIN / DEVICE_END, else NONE. access: Access of a BEGIN. size: the requested size. devices: every attached device (bit i = device i). failedHeaps: heaps that already failed for this buffer (a PLACE retry after ENOMEM sets it and lastErrno). heap: current placement or NONE. cpu: declared CPU usage (Access). The name (nameLen bytes) is at EVENT_NAME_OFFSET; for PLACE, per-heap usage at EVENT_USAGE_OFFSET. */
@unmanaged
export class Event {
  @inline get kind(): u32 { return load<u32>(changetype<usize>(this), 0); }
  @inline set kind(v: u32) { store<u32>(changetype<usize>(this), v, 0); }
  @inline get buf(): u32 { return load<u32>(changetype<usize>(this), 4); }
  @inline set buf(v: u32) { store<u32>(changetype<usize>(this), v, 4); }
  @inline get device(): u32 { return load<u32>(changetype<usize>(this), 8); }
  @inline set device(v: u32) { store<u32>(changetype<usize>(this), v, 8); }
  @inline get access(): u32 { return load<u32>(changetype<usize>(this), 12); }
  @inline set access(v: u32) { store<u32>(changetype<usize>(this), v, 12); }
  @inline get size(): u64 { return load<u64>(changetype<usize>(this), 16); }
  @inline set size(v: u64) { store<u64>(changetype<usize>(this), v, 16); }
  @inline get devices(): u64 { return load<u64>(changetype<usize>(this), 24); }
  @inline set devices(v: u64) { store<u64>(changetype<usize>(this), v, 24); }
  @inline get failedHeaps(): u64 { return load<u64>(changetype<usize>(this), 32); }
  @inline set failedHeaps(v: u64) { store<u64>(changetype<usize>(this), v, 32); }
  @inline get heap(): u32 { return load<u32>(changetype<usize>(this), 40); }
  @inline set heap(v: u32) { store<u32>(changetype<usize>(this), v, 40); }
  @inline get cpu(): u32 { return load<u32>(changetype<usize>(this), 44); }
  @inline set cpu(v: u32) { store<u32>(changetype<usize>(this), v, 44); }
  @inline get flags(): u32 { return load<u32>(changetype<usize>(this), 48); }
  @inline set flags(v: u32) { store<u32>(changetype<usize>(this), v, 48); }
  @inline get lastErrno(): u32 { return load<u32>(changetype<usize>(this), 52); }
  @inline set lastErrno(v: u32) { store<u32>(changetype<usize>(this), v, 52); }
  @inline get nameLen(): u32 { return load<u32>(changetype<usize>(this), 56); }
  @inline set nameLen(v: u32) { store<u32>(changetype<usize>(this), v, 56); }
  @inline get reserved0(): u32 { return load<u32>(changetype<usize>(this), 60); }
  @inline set reserved0(v: u32) { store<u32>(changetype<usize>(this), v, 60); }
  @inline get state(): BufferState { return changetype<BufferState>(changetype<usize>(this) + 64); }
  @inline static at(ptr: usize): Event { return changetype<Event>(ptr); }
}

export const OUT_HEADER_SIZE: usize = 48;

/** Start of the output region after hw_event. Ops at OUT_OPS_OFFSET, Explain entries at OUT_EXPLAIN_OFFSET, string bytes at OUT_STRINGS_OFFSET. state is the buffer's new BufferState. */
@unmanaged
export class OutHeader {
  @inline get opCount(): u32 { return load<u32>(changetype<usize>(this), 0); }
  @inline set opCount(v: u32) { store<u32>(changetype<usize>(this), v, 0); }
  @inline get explainCount(): u32 { return load<u32>(changetype<usize>(this), 4); }
  @inline set explainCount(v: u32) { store<u32>(changetype<usize>(this), v, 4); }
  @inline get stringsLen(): u32 { return load<u32>(changetype<usize>(this), 8); }
  @inline set stringsLen(v: u32) { store<u32>(changetype<usize>(this), v, 8); }
  @inline get reserved0(): u32 { return load<u32>(changetype<usize>(this), 12); }
  @inline set reserved0(v: u32) { store<u32>(changetype<usize>(this), v, 12); }
  @inline get state(): BufferState { return changetype<BufferState>(changetype<usize>(this) + 16); }
  @inline static at(ptr: usize): OutHeader { return changetype<OutHeader>(ptr); }
}

export const OP_SIZE: usize = 24;

/** One operation. ALLOC: heap, arg = fd flags, value = rounded size. SET_NAME: arg = name length, value = offset in the strings area. SYNC: arg = SyncFlag bits. FAIL: arg = Reason. buf must be the event's buffer. */
@unmanaged
export class Op {
  @inline get kind(): u32 { return load<u32>(changetype<usize>(this), 0); }
  @inline set kind(v: u32) { store<u32>(changetype<usize>(this), v, 0); }
  @inline get buf(): u32 { return load<u32>(changetype<usize>(this), 4); }
  @inline set buf(v: u32) { store<u32>(changetype<usize>(this), v, 4); }
  @inline get heap(): u32 { return load<u32>(changetype<usize>(this), 8); }
  @inline set heap(v: u32) { store<u32>(changetype<usize>(this), v, 8); }
  @inline get arg(): u32 { return load<u32>(changetype<usize>(this), 12); }
  @inline set arg(v: u32) { store<u32>(changetype<usize>(this), v, 12); }
  @inline get value(): u64 { return load<u64>(changetype<usize>(this), 16); }
  @inline set value(v: u64) { store<u64>(changetype<usize>(this), v, 16); }
  @inline static at(ptr: usize): Op { return changetype<Op>(ptr); }
}

export const EXPLAIN_SIZE: usize = 16;

/** One reason behind the decision. HEAP subject: heap and verdict (CHOSEN, FALLBACK in rank order, REJECTED with the device at fault or NONE). SYNC subject: verdict ISSUED or ELIDED, detail = SyncFlag bits. code: Reason; detail: a number the text uses (mask bits, bytes, ...). */
@unmanaged
export class Explain {
  @inline get subject(): u8 { return load<u8>(changetype<usize>(this), 0); }
  @inline set subject(v: u8) { store<u8>(changetype<usize>(this), v, 0); }
  @inline get verdict(): u8 { return load<u8>(changetype<usize>(this), 1); }
  @inline set verdict(v: u8) { store<u8>(changetype<usize>(this), v, 1); }
  @inline get code(): u16 { return load<u16>(changetype<usize>(this), 2); }
  @inline set code(v: u16) { store<u16>(changetype<usize>(this), v, 2); }
  @inline get heap(): u32 { return load<u32>(changetype<usize>(this), 4); }
  @inline set heap(v: u32) { store<u32>(changetype<usize>(this), v, 4); }
  @inline get device(): u32 { return load<u32>(changetype<usize>(this), 8); }
  @inline set device(v: u32) { store<u32>(changetype<usize>(this), v, 8); }
  @inline get detail(): u32 { return load<u32>(changetype<usize>(this), 12); }
  @inline set detail(v: u32) { store<u32>(changetype<usize>(this), v, 12); }
  @inline static at(ptr: usize): Explain { return changetype<Explain>(ptr); }
}
