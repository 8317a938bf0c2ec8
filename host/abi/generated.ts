// Generated from abi/v1.json by scripts/gen-abi.mjs. Do not edit.
/* eslint-disable */

export const ABI_MAJOR = 1;
export const ABI_MINOR = 0;

/** No heap, no device (u32 all ones). */
export const NONE = 4294967295;
/** Heaps per platform: heap sets travel as u64 bit masks. */
export const MAX_HEAPS = 64;
/** Devices per platform: attachment sets travel as u64 bit masks. */
export const MAX_DEVICES = 64;
/** Every allocation is rounded up to at least a page. */
export const PAGE_SIZE = 4096;
/** Bytes of the module's input region (platform blob or one event). */
export const INPUT_CAPACITY = 65536;
/** Bytes of the module's output region. */
export const OUTPUT_CAPACITY = 16384;
/** DMA_BUF_NAME_LEN: a buffer name is at most 31 bytes plus NUL. */
export const NAME_CAPACITY = 32;
/** Operation slots in the output region; hosts cap lower (default 64). */
export const MAX_OPS = 256;
/** Explanation slots in the output region. */
export const MAX_EXPLAIN = 128;
/** Input offset of the buffer name bytes of an event (NAME_CAPACITY bytes). */
export const EVENT_NAME_OFFSET = 96;
/** Input offset of u64[heapCount]: bytes currently allocated per heap (PLACE events). */
export const EVENT_USAGE_OFFSET = 128;
/** Output offset of the Op array. */
export const OUT_OPS_OFFSET = 48;
/** Output offset of the Explain array (OUT_OPS_OFFSET + MAX_OPS * 24). */
export const OUT_EXPLAIN_OFFSET = 6192;
/** Output offset of the string bytes SET_NAME ops point into (OUT_EXPLAIN_OFFSET + MAX_EXPLAIN * 16). */
export const OUT_STRINGS_OFFSET = 8240;
/** OUTPUT_CAPACITY - OUT_STRINGS_OFFSET. */
export const OUT_STRINGS_CAPACITY = 8144;
/** O_RDWR | O_CLOEXEC, what every user passes to DMA_HEAP_IOCTL_ALLOC. */
export const FD_FLAGS_DEFAULT = 524290;
/** O_ACCMODE | O_CLOEXEC: the only fd_flags the kernel accepts. */
export const FD_FLAGS_VALID = 524291;

/** What kind of memory a heap hands out; inferred from the node name when a platform omits it. */
export const HeapKind = {
  SYSTEM: 1,
  SYSTEM_UNCACHED: 2,
  CMA: 3,
  CARVEOUT: 4,
  PROTECTED: 5,
  UDMABUF: 6,
} as const;
export const HeapKindName: Record<number, string> = {
  [1]: 'SYSTEM',
  [2]: 'SYSTEM_UNCACHED',
  [3]: 'CMA',
  [4]: 'CARVEOUT',
  [5]: 'PROTECTED',
  [6]: 'UDMABUF',
};

/** Heap capability bits (Heap.flags). */
export const HeapFlag = {
  CONTIGUOUS: 1,
  CACHED: 2,
  CPU_ACCESS: 4,
  PROTECTED: 8,
} as const;
export const HeapFlagName: Record<number, string> = {
  [1]: 'CONTIGUOUS',
  [2]: 'CACHED',
  [4]: 'CPU_ACCESS',
  [8]: 'PROTECTED',
};

/** Device property bits (Device.flags). CONTIGUOUS_YES/NO record an explicit "contiguous" in the platform; neither means: contiguous iff no IOMMU. */
export const DeviceFlag = {
  IOMMU: 1,
  COHERENT: 2,
  CONTIGUOUS_YES: 4,
  CONTIGUOUS_NO: 8,
  PROTECTED: 16,
} as const;
export const DeviceFlagName: Record<number, string> = {
  [1]: 'IOMMU',
  [2]: 'COHERENT',
  [4]: 'CONTIGUOUS_YES',
  [8]: 'CONTIGUOUS_NO',
  [16]: 'PROTECTED',
};

/** Who reads or writes: CPU usage of a buffer, or one access by the CPU or a device. */
export const Access = {
  NONE: 0,
  READ: 1,
  WRITE: 2,
  READWRITE: 3,
} as const;
export const AccessName: Record<number, string> = {
  [0]: 'NONE',
  [1]: 'READ',
  [2]: 'WRITE',
  [3]: 'READWRITE',
};

/** Events the host hands the module (Event.kind). */
export const EventKind = {
  PLACE: 1,
  ATTACH: 2,
  DEVICE_BEGIN: 3,
  DEVICE_END: 4,
  CPU_BEGIN: 5,
  CPU_END: 6,
  EXPORT: 7,
  FREE: 8,
} as const;
export const EventKindName: Record<number, string> = {
  [1]: 'PLACE',
  [2]: 'ATTACH',
  [3]: 'DEVICE_BEGIN',
  [4]: 'DEVICE_END',
  [5]: 'CPU_BEGIN',
  [6]: 'CPU_END',
  [7]: 'EXPORT',
  [8]: 'FREE',
};

/** Buffer bits (Event.flags), kept by the host. */
export const BufferFlag = {
  PROTECTED: 1,
  DEFERRED: 2,
  EXPORTED: 4,
  NAMED: 8,
} as const;
export const BufferFlagName: Record<number, string> = {
  [1]: 'PROTECTED',
  [2]: 'DEFERRED',
  [4]: 'EXPORTED',
  [8]: 'NAMED',
};

/** Operations the module asks the host to execute (Op.kind). */
export const OpKind = {
  ALLOC: 1,
  SET_NAME: 2,
  SYNC: 3,
  FAIL: 4,
} as const;
export const OpKindName: Record<number, string> = {
  [1]: 'ALLOC',
  [2]: 'SET_NAME',
  [3]: 'SYNC',
  [4]: 'FAIL',
};

/** struct dma_buf_sync flags (uapi/linux/dma-buf.h); Op.arg of a SYNC. */
export const SyncFlag = {
  READ: 1,
  WRITE: 2,
  RW: 3,
  START: 0,
  END: 4,
} as const;
export const SyncFlagName: Record<number, string> = {
  [1]: 'READ',
  [2]: 'WRITE',
  [3]: 'RW',
  [0]: 'START',
  [4]: 'END',
};

/** Where the freshest copy of a buffer's data lives (BufferState.domain). */
export const Domain = {
  NONE: 0,
  CPU: 1,
  DEVICE: 2,
} as const;
export const DomainName: Record<number, string> = {
  [0]: 'NONE',
  [1]: 'CPU',
  [2]: 'DEVICE',
};

/** What an Explain entry is about. */
export const Subject = {
  HEAP: 1,
  SYNC: 2,
  BUFFER: 3,
} as const;
export const SubjectName: Record<number, string> = {
  [1]: 'HEAP',
  [2]: 'SYNC',
  [3]: 'BUFFER',
};

/** Explain.verdict: for heaps, chosen / fallback (in rank order) / rejected; for syncs, issued or elided. */
export const Verdict = {
  CHOSEN: 1,
  FALLBACK: 2,
  REJECTED: 3,
  ISSUED: 4,
  ELIDED: 5,
} as const;
export const VerdictName: Record<number, string> = {
  [1]: 'CHOSEN',
  [2]: 'FALLBACK',
  [3]: 'REJECTED',
  [4]: 'ISSUED',
  [5]: 'ELIDED',
};

/** Explain.code and FAIL Op.arg. 1-31: a hard constraint rejected a heap (Explain.device names the device where one is at fault, Explain.detail a number the text uses). 32-63: why a kept heap ranks where it does. 64-95: why a buffer could not be placed. 96-127: why a sync was issued or elided. */
export const Reason = {
  DMA_MASK: 1,
  NOT_CONTIGUOUS: 2,
  NOT_PROTECTED: 3,
  DEVICE_NOT_PROTECTED: 4,
  PROTECTED_HEAP: 5,
  NO_CPU_ACCESS: 6,
  TOO_LARGE: 7,
  ALLOC_FAILED: 8,
  NOT_LISTED: 9,
  OVER_BUDGET: 10,
  PREFERRED: 32,
  SYSTEM_FIRST: 33,
  UNCACHED_CPU_WRITES: 34,
  CACHED_CPU_READS: 35,
  CONTIGUOUS_NEEDED: 36,
  LISTED_ORDER: 37,
  SCARCE_LAST: 38,
  NO_HEAP_FITS: 64,
  NO_DEVICES: 65,
  CPU_INVALIDATE: 96,
  CPU_CLEAN: 97,
  LAZY_END: 98,
  EXPORTED_BRACKET: 99,
  COHERENT_ELIDED: 100,
  UNCACHED_ELIDED: 101,
  CPU_DOMAIN_ELIDED: 102,
  DEVICE_HANDOFF_ELIDED: 103,
  FREE_CLOSE: 104,
} as const;
export const ReasonName: Record<number, string> = {
  [1]: 'DMA_MASK',
  [2]: 'NOT_CONTIGUOUS',
  [3]: 'NOT_PROTECTED',
  [4]: 'DEVICE_NOT_PROTECTED',
  [5]: 'PROTECTED_HEAP',
  [6]: 'NO_CPU_ACCESS',
  [7]: 'TOO_LARGE',
  [8]: 'ALLOC_FAILED',
  [9]: 'NOT_LISTED',
  [10]: 'OVER_BUDGET',
  [32]: 'PREFERRED',
  [33]: 'SYSTEM_FIRST',
  [34]: 'UNCACHED_CPU_WRITES',
  [35]: 'CACHED_CPU_READS',
  [36]: 'CONTIGUOUS_NEEDED',
  [37]: 'LISTED_ORDER',
  [38]: 'SCARCE_LAST',
  [64]: 'NO_HEAP_FITS',
  [65]: 'NO_DEVICES',
  [96]: 'CPU_INVALIDATE',
  [97]: 'CPU_CLEAN',
  [98]: 'LAZY_END',
  [99]: 'EXPORTED_BRACKET',
  [100]: 'COHERENT_ELIDED',
  [101]: 'UNCACHED_ELIDED',
  [102]: 'CPU_DOMAIN_ELIDED',
  [103]: 'DEVICE_HANDOFF_ELIDED',
  [104]: 'FREE_CLOSE',
};

/** Return value of hw_init and hw_event: 0 or a negative error. */
export const Status = {
  OK: 0,
  BAD_INPUT: -1,
  UNSUPPORTED: -2,
  INTERNAL: -3,
} as const;
export const StatusName: Record<number, string> = {
  [0]: 'OK',
  [-1]: 'BAD_INPUT',
  [-2]: 'UNSUPPORTED',
  [-3]: 'INTERNAL',
};

/** Start of the platform blob written to the input region before hw_init. Heap records follow at heapsOffset, Device records at devicesOffset; Device.prefOffset points at u32 heap indexes, names at UTF-8 bytes, all offsets from the blob start. */
export const PlatformHeaderLayout = {
  SIZE: 16,
  heapCount: 0,
  deviceCount: 4,
  heapsOffset: 8,
  devicesOffset: 12,
} as const;

export interface PlatformHeader {
  heapCount: number;
  deviceCount: number;
  heapsOffset: number;
  devicesOffset: number;
}

export function readPlatformHeader(dv: DataView, base: number): PlatformHeader {
  return {
    heapCount: dv.getUint32(base + 0, true),
    deviceCount: dv.getUint32(base + 4, true),
    heapsOffset: dv.getUint32(base + 8, true),
    devicesOffset: dv.getUint32(base + 12, true),
  };
}

export function writePlatformHeader(dv: DataView, base: number, v: PlatformHeader): void {
  dv.setUint32(base + 0, v.heapCount, true);
  dv.setUint32(base + 4, v.deviceCount, true);
  dv.setUint32(base + 8, v.heapsOffset, true);
  dv.setUint32(base + 12, v.devicesOffset, true);
}

/** One DMA-BUF heap (or udmabuf). maxAddressBits 64 = anywhere; size 0 = unbounded; granule is a power of two >= 1. */
export const HeapLayout = {
  SIZE: 48,
  kind: 0,
  flags: 4,
  maxAddressBits: 8,
  nameOffset: 12,
  nameLen: 16,
  reserved0: 20,
  size: 24,
  granule: 32,
  reserved1: 40,
} as const;

export interface Heap {
  kind: number;
  flags: number;
  maxAddressBits: number;
  nameOffset: number;
  nameLen: number;
  reserved0: number;
  size: bigint;
  granule: bigint;
  reserved1: bigint;
}

export function readHeap(dv: DataView, base: number): Heap {
  return {
    kind: dv.getUint32(base + 0, true),
    flags: dv.getUint32(base + 4, true),
    maxAddressBits: dv.getUint32(base + 8, true),
    nameOffset: dv.getUint32(base + 12, true),
    nameLen: dv.getUint32(base + 16, true),
    reserved0: dv.getUint32(base + 20, true),
    size: dv.getBigUint64(base + 24, true),
    granule: dv.getBigUint64(base + 32, true),
    reserved1: dv.getBigUint64(base + 40, true),
  };
}

export function writeHeap(dv: DataView, base: number, v: Heap): void {
  dv.setUint32(base + 0, v.kind, true);
  dv.setUint32(base + 4, v.flags, true);
  dv.setUint32(base + 8, v.maxAddressBits, true);
  dv.setUint32(base + 12, v.nameOffset, true);
  dv.setUint32(base + 16, v.nameLen, true);
  dv.setUint32(base + 20, v.reserved0, true);
  dv.setBigUint64(base + 24, v.size, true);
  dv.setBigUint64(base + 32, v.granule, true);
  dv.setBigUint64(base + 40, v.reserved1, true);
}

/** One device that attaches buffers. alignment is a power of two (1 = none). prefCount heap indexes at prefOffset, most preferred first. */
export const DeviceLayout = {
  SIZE: 40,
  dmaMaskBits: 0,
  flags: 4,
  alignment: 8,
  prefOffset: 16,
  prefCount: 20,
  nameOffset: 24,
  nameLen: 28,
  reserved0: 32,
} as const;

export interface Device {
  dmaMaskBits: number;
  flags: number;
  alignment: bigint;
  prefOffset: number;
  prefCount: number;
  nameOffset: number;
  nameLen: number;
  reserved0: bigint;
}

export function readDevice(dv: DataView, base: number): Device {
  return {
    dmaMaskBits: dv.getUint32(base + 0, true),
    flags: dv.getUint32(base + 4, true),
    alignment: dv.getBigUint64(base + 8, true),
    prefOffset: dv.getUint32(base + 16, true),
    prefCount: dv.getUint32(base + 20, true),
    nameOffset: dv.getUint32(base + 24, true),
    nameLen: dv.getUint32(base + 28, true),
    reserved0: dv.getBigUint64(base + 32, true),
  };
}

export function writeDevice(dv: DataView, base: number, v: Device): void {
  dv.setUint32(base + 0, v.dmaMaskBits, true);
  dv.setUint32(base + 4, v.flags, true);
  dv.setBigUint64(base + 8, v.alignment, true);
  dv.setUint32(base + 16, v.prefOffset, true);
  dv.setUint32(base + 20, v.prefCount, true);
  dv.setUint32(base + 24, v.nameOffset, true);
  dv.setUint32(base + 28, v.nameLen, true);
  dv.setBigUint64(base + 32, v.reserved0, true);
}

/** Per-buffer cache-domain state. The host stores it between events, hands it in with every event and takes back the module's new copy from the output header, so modules stay stateless and a swapped-in module continues where the last one stopped. domain: Domain; openStart: SyncFlag bits of the START not yet matched by an END (0 = none); cpuActive: 1 between CPU_BEGIN and CPU_END; devicesActive: devices between DEVICE_BEGIN and DEVICE_END; scratch words belong to the module. */
export const BufferStateLayout = {
  SIZE: 32,
  domain: 0,
  openStart: 1,
  cpuActive: 2,
  dirty: 3,
  generation: 4,
  devicesActive: 8,
  scratch0: 16,
  scratch1: 24,
} as const;

export interface BufferState {
  domain: number;
  openStart: number;
  cpuActive: number;
  dirty: number;
  generation: number;
  devicesActive: bigint;
  scratch0: bigint;
  scratch1: bigint;
}

export function readBufferState(dv: DataView, base: number): BufferState {
  return {
    domain: dv.getUint8(base + 0),
    openStart: dv.getUint8(base + 1),
    cpuActive: dv.getUint8(base + 2),
    dirty: dv.getUint8(base + 3),
    generation: dv.getUint32(base + 4, true),
    devicesActive: dv.getBigUint64(base + 8, true),
    scratch0: dv.getBigUint64(base + 16, true),
    scratch1: dv.getBigUint64(base + 24, true),
  };
}

export function writeBufferState(dv: DataView, base: number, v: BufferState): void {
  dv.setUint8(base + 0, v.domain);
  dv.setUint8(base + 1, v.openStart);
  dv.setUint8(base + 2, v.cpuActive);
  dv.setUint8(base + 3, v.dirty);
  dv.setUint32(base + 4, v.generation, true);
  dv.setBigUint64(base + 8, v.devicesActive, true);
  dv.setBigUint64(base + 16, v.scratch0, true);
  dv.setBigUint64(base + 24, v.scratch1, true);
}

/** One event, at offset 0 of the input region before hw_event. device: the device of ATTACH / DEVICE_BEGIN / DEVICE_END, else NONE. access: Access of a BEGIN. size: the requested size. devices: every attached device (bit i = device i). failedHeaps: heaps that already failed for this buffer (a PLACE retry after ENOMEM sets it and lastErrno). heap: current placement or NONE. cpu: declared CPU usage (Access). The name (nameLen bytes) is at EVENT_NAME_OFFSET; for PLACE, per-heap usage at EVENT_USAGE_OFFSET. */
export const EventLayout = {
  SIZE: 96,
  kind: 0,
  buf: 4,
  device: 8,
  access: 12,
  size: 16,
  devices: 24,
  failedHeaps: 32,
  heap: 40,
  cpu: 44,
  flags: 48,
  lastErrno: 52,
  nameLen: 56,
  reserved0: 60,
  state: 64,
} as const;

export interface Event {
  kind: number;
  buf: number;
  device: number;
  access: number;
  size: bigint;
  devices: bigint;
  failedHeaps: bigint;
  heap: number;
  cpu: number;
  flags: number;
  lastErrno: number;
  nameLen: number;
  reserved0: number;
  state: BufferState;
}

export function readEvent(dv: DataView, base: number): Event {
  return {
    kind: dv.getUint32(base + 0, true),
    buf: dv.getUint32(base + 4, true),
    device: dv.getUint32(base + 8, true),
    access: dv.getUint32(base + 12, true),
    size: dv.getBigUint64(base + 16, true),
    devices: dv.getBigUint64(base + 24, true),
    failedHeaps: dv.getBigUint64(base + 32, true),
    heap: dv.getUint32(base + 40, true),
    cpu: dv.getUint32(base + 44, true),
    flags: dv.getUint32(base + 48, true),
    lastErrno: dv.getUint32(base + 52, true),
    nameLen: dv.getUint32(base + 56, true),
    reserved0: dv.getUint32(base + 60, true),
    state: readBufferState(dv, base + 64),
  };
}

export function writeEvent(dv: DataView, base: number, v: Event): void {
  dv.setUint32(base + 0, v.kind, true);
  dv.setUint32(base + 4, v.buf, true);
  dv.setUint32(base + 8, v.device, true);
  dv.setUint32(base + 12, v.access, true);
  dv.setBigUint64(base + 16, v.size, true);
  dv.setBigUint64(base + 24, v.devices, true);
  dv.setBigUint64(base + 32, v.failedHeaps, true);
  dv.setUint32(base + 40, v.heap, true);
  dv.setUint32(base + 44, v.cpu, true);
  dv.setUint32(base + 48, v.flags, true);
  dv.setUint32(base + 52, v.lastErrno, true);
  dv.setUint32(base + 56, v.nameLen, true);
  dv.setUint32(base + 60, v.reserved0, true);
  writeBufferState(dv, base + 64, v.state);
}

/** Start of the output region after hw_event. Ops at OUT_OPS_OFFSET, Explain entries at OUT_EXPLAIN_OFFSET, string bytes at OUT_STRINGS_OFFSET. state is the buffer's new BufferState. */
export const OutHeaderLayout = {
  SIZE: 48,
  opCount: 0,
  explainCount: 4,
  stringsLen: 8,
  reserved0: 12,
  state: 16,
} as const;

export interface OutHeader {
  opCount: number;
  explainCount: number;
  stringsLen: number;
  reserved0: number;
  state: BufferState;
}

export function readOutHeader(dv: DataView, base: number): OutHeader {
  return {
    opCount: dv.getUint32(base + 0, true),
    explainCount: dv.getUint32(base + 4, true),
    stringsLen: dv.getUint32(base + 8, true),
    reserved0: dv.getUint32(base + 12, true),
    state: readBufferState(dv, base + 16),
  };
}

export function writeOutHeader(dv: DataView, base: number, v: OutHeader): void {
  dv.setUint32(base + 0, v.opCount, true);
  dv.setUint32(base + 4, v.explainCount, true);
  dv.setUint32(base + 8, v.stringsLen, true);
  dv.setUint32(base + 12, v.reserved0, true);
  writeBufferState(dv, base + 16, v.state);
}

/** One operation. ALLOC: heap, arg = fd flags, value = rounded size. SET_NAME: arg = name length, value = offset in the strings area. SYNC: arg = SyncFlag bits. FAIL: arg = Reason. buf must be the event's buffer. */
export const OpLayout = {
  SIZE: 24,
  kind: 0,
  buf: 4,
  heap: 8,
  arg: 12,
  value: 16,
} as const;

export interface Op {
  kind: number;
  buf: number;
  heap: number;
  arg: number;
  value: bigint;
}

export function readOp(dv: DataView, base: number): Op {
  return {
    kind: dv.getUint32(base + 0, true),
    buf: dv.getUint32(base + 4, true),
    heap: dv.getUint32(base + 8, true),
    arg: dv.getUint32(base + 12, true),
    value: dv.getBigUint64(base + 16, true),
  };
}

export function writeOp(dv: DataView, base: number, v: Op): void {
  dv.setUint32(base + 0, v.kind, true);
  dv.setUint32(base + 4, v.buf, true);
  dv.setUint32(base + 8, v.heap, true);
  dv.setUint32(base + 12, v.arg, true);
  dv.setBigUint64(base + 16, v.value, true);
}

/** One reason behind the decision. HEAP subject: heap and verdict (CHOSEN, FALLBACK in rank order, REJECTED with the device at fault or NONE). SYNC subject: verdict ISSUED or ELIDED, detail = SyncFlag bits. code: Reason; detail: a number the text uses (mask bits, bytes, ...). */
export const ExplainLayout = {
  SIZE: 16,
  subject: 0,
  verdict: 1,
  code: 2,
  heap: 4,
  device: 8,
  detail: 12,
} as const;

export interface Explain {
  subject: number;
  verdict: number;
  code: number;
  heap: number;
  device: number;
  detail: number;
}

export function readExplain(dv: DataView, base: number): Explain {
  return {
    subject: dv.getUint8(base + 0),
    verdict: dv.getUint8(base + 1),
    code: dv.getUint16(base + 2, true),
    heap: dv.getUint32(base + 4, true),
    device: dv.getUint32(base + 8, true),
    detail: dv.getUint32(base + 12, true),
  };
}

export function writeExplain(dv: DataView, base: number, v: Explain): void {
  dv.setUint8(base + 0, v.subject);
  dv.setUint8(base + 1, v.verdict);
  dv.setUint16(base + 2, v.code, true);
  dv.setUint32(base + 4, v.heap, true);
  dv.setUint32(base + 8, v.device, true);
  dv.setUint32(base + 12, v.detail, true);
}

/** Exports a policy module must have, with their signatures. */
export const REQUIRED_EXPORTS = {
  memory: { kind: 'memory' },
  hw_abi_version: { kind: 'function', params: [], results: ["i32"] },
  hw_policy_name: { kind: 'function', params: [], results: ["i32"] },
  hw_policy_version: { kind: 'function', params: [], results: ["i32"] },
  hw_input: { kind: 'function', params: [], results: ["i32"] },
  hw_output: { kind: 'function', params: [], results: ["i32"] },
  hw_init: { kind: 'function', params: ["i32"], results: ["i32"] },
  hw_event: { kind: 'function', params: ["i32"], results: ["i32"] },
} as const;

/** The only imports a production policy module may have. */
export const ALLOWED_IMPORTS = {
  'env.abort': { params: ["i32","i32","i32","i32"], results: [] },
} as const;
