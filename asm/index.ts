// The heapwise guest SDK: everything a policy module needs.
export * from './abi/generated';
export { register } from './rules';
export { Placement } from './placement';
export { SyncPlan, planLazy, planBracketEveryAccess } from './domain';
export * from './platform';
export * from './constraints';
export { DEBUG, log, heapName, deviceName } from './debug';
