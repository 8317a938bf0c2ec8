// The heapwise guest SDK: everything a policy module needs.
export * from './abi/generated';
export { register } from './rules';
export { Placement } from './placement';
export { SyncPlan, planLazy, planBracketEveryAccess } from './domain';
export * from './platform';
export { platformGeneration, allHeaps, allDevices, protectedHeaps, cpuAccessHeaps, contiguousHeaps, cachedHeaps, scarceHeaps,
  systemLikeHeaps, sizedHeaps, heapsOfKind, iommuDevices, protectedDevices, coherentDevices, contiguousDevices, unreachableHeaps,
  preferredHeapsOf, devicesPreferring, preferredHeaps, listedRank } from './platform-masks';
export * from './constraints';
export { DEBUG, log, heapName, deviceName } from './debug';
