// heapwise: the public API of the host library. The CLI (host/cli) uses nothing else.
export { Engine, type EngineOptions, type EngineObserver, type EventRecord, type OpResult, type Access } from './engine/engine.js';
export { Buffer, type AllocateRequest } from './engine/buffer.js';
export type { Decision, Rejection, Ranked, Attempt } from './engine/decision.js';
export type { Op, ExplainEntry, Outcome } from './engine/outcome.js';
export { PolicyModule, DEFAULT_MEMORY_CAP, type LoadOptions, type PolicyIdentity, type ModuleReport } from './module/policy-module.js';
export { loadPolicyFile, resolvePolicyPath } from './module/load-file.js';
export { parsePlatform, loadPlatformFile } from './platform/parse.js';
export { inferKind, type HeapKindName } from './platform/kind.js';
export type { Platform, HeapSpec, DeviceSpec, CpuUse } from './platform/types.js';
export { parseRequest, loadRequestFile } from './input/request.js';
export { ModelBackend } from './backend/model.js';
export type { Backend, BackendHeap, Errno, AllocResult, IoctlResult } from './backend/backend.js';
export { Referee, type Violation, type ViolationKind } from './referee/coherency.js';
export { simulate, type SimulationReport, type SimulateOptions } from './simulate/run.js';
export { parseWorkload, loadWorkloadFile, unroll, type Workload, type WorkloadEvent } from './simulate/workload.js';
export { builtinPolicyPath, packageRoot } from './paths.js';
export * from './errors.js';
export * as abi from './abi/generated.js';
