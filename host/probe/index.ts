// `heapwise probe`: discovery, its text form, and the platform skeleton it can write.
export { probe, type CmaArea, type ProbedNode, type ProbeOptions, type ProbeResult } from './probe.js';
export { formatProbe, HEAP_UDEV_RULE, UDMABUF_UDEV_RULE } from './format.js';
export { platformSkeleton, type PlatformSkeleton } from './platform-skeleton.js';
export { writePlatformSkeleton } from './write-platform.js';
