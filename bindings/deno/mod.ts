// heapwise for Deno: the host library itself (host/index.ts runs unchanged under Deno 2), the
// trace recorder, and what only Deno has: the kernel backend over libheapwise.so through FFI.
// Run with --sloppy-imports: the host's sources import each other as './x.js' (Node's rule).
// A program outside this checkout imports it through a deno.json with "nodeModulesDir": "manual"
// (the host's npm imports resolve to the checkout's node_modules) and an import map entry for
// this file: docs/embedding.md, "Your own program".
// The npm package ships this file bundled (rollup.config.mjs) as dist/deno.js, the package's
// `heapwise/deno`, with declarations in dist/types-deno (scripts/deno-types.mjs): that needs
// neither --sloppy-imports nor a deno.json.
export * from '../../host/index.ts';
export { TraceRecorder, type LineSink } from '../../host/trace/recorder.ts';
export { KernelBackend, CPU_READ, CPU_WRITE, type KernelBackendOptions } from './kernel_backend.ts';
export {
  openKernelShim, defaultLibraryPath, KernelLibraryError, LIBRARY_BUILD_COMMAND, LIBRARY_RELATIVE_PATH, type KernelShim,
} from './kernel_shim.ts';

/** The host name a trace header carries for this host (docs/trace.md). */
export const HOST = 'deno';
