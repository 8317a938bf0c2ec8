// Deterministic fuel: every function entry and loop header of a policy is charged one unit
// (binaryen's log-execution pass points, with the logger replaced by a counter), so a module
// that loops forever stops at the same instruction in every host. The start function becomes
// the export hw_start, so hosts run it under a budget too instead of inside instantiation.
// The same pass bounds the call depth: engines stop recursion at different depths (wasm2c at
// 500 frames, V8 thousands deeper), so without one bound a deep module decides in one host
// and traps in another.
import type binaryenType from 'binaryen';

// binaryen.js is an ES module with top-level await: loaded on first use (the CJS bundle cannot require it).
let loaded: typeof binaryenType | null = null;
async function binaryenModule(): Promise<typeof binaryenType> {
  loaded ??= (await import('binaryen')).default;
  return loaded;
}

export const FUEL_SET = 'hw_fuel_set';
export const FUEL_LEFT = 'hw_fuel_left';
export const START = 'hw_start';
/** Default budget per decision: generous (the default policy spends a few thousand). */
export const DEFAULT_FUEL = 10_000_000;
/** Most nested calls of the module's own functions in one host call; one more traps. */
export const MAX_CALL_DEPTH = 200;
/** Version of the instrumentation: a trace or a compiled .so records it (2: call depth bound). */
export const FUEL_INSTRUMENTATION = 2;

const FEATURES = (binaryen: typeof binaryenType) =>
  binaryen.Features.MVP | binaryen.Features.MutableGlobals | binaryen.Features.SignExt |
  binaryen.Features.BulkMemory | binaryen.Features.BulkMemoryOpt | binaryen.Features.NontrappingFPToInt;

/**
 * Returns the instrumented module. `startFunction` is the index of the module's start function
 * (from its start section) or null.
 */
export async function instrumentFuel(bytes: Uint8Array, startFunction: number | null): Promise<Uint8Array> {
  const binaryen = await binaryenModule();
  const m = binaryen.readBinary(bytes);
  try {
    m.setFeatures(FEATURES(binaryen));
    // By name: wrapping functions for the depth bound reorders them.
    const startName = startFunction === null ? null : binaryen.getFunctionInfo(m.getFunctionByIndex(startFunction)).name;
    m.runPasses(['log-execution']);
    // The pass imports env.log_execution(i32); a defined function of the same name takes its place.
    m.removeFunction('log_execution');
    const depth = boundCallDepth(binaryen, m);
    const fuel = 'hw$fuel';
    m.addGlobal(fuel, binaryen.i32, true, m.i32.const(DEFAULT_FUEL));
    m.addFunction('log_execution', binaryen.createType([binaryen.i32]), binaryen.none, [], m.block(null, [
      m.global.set(fuel, m.i32.sub(m.global.get(fuel, binaryen.i32), m.i32.const(1))),
      m.if(m.i32.lt_s(m.global.get(fuel, binaryen.i32), m.i32.const(0)), m.unreachable()),
    ]));
    // Every host call starts with hw_fuel_set: it also starts the depth count afresh.
    m.addFunction(FUEL_SET, binaryen.createType([binaryen.i32]), binaryen.none, [], m.block(null, [
      m.global.set(fuel, m.local.get(0, binaryen.i32)),
      m.global.set(depth, m.i32.const(0)),
    ]));
    m.addFunction(FUEL_LEFT, binaryen.none, binaryen.i32, [], m.global.get(fuel, binaryen.i32));
    m.addFunctionExport(FUEL_SET, FUEL_SET);
    m.addFunctionExport(FUEL_LEFT, FUEL_LEFT);
    if (startName !== null) {
      m.setStart(0 as unknown as binaryenType.FunctionRef);
      m.addFunctionExport(startName, START);
    }
    binaryen.setOptimizeLevel(2);
    binaryen.setShrinkLevel(0);
    binaryen.setAlwaysInlineMaxSize(40);
    m.runPasses(['inlining-optimizing']);
    if (!m.validate()) throw new Error('fuel instrumentation produced an invalid module');
    return m.emitBinary();
  } finally {
    m.dispose();
  }
}

/**
 * Renames every defined function F to F$body and gives F's name to a wrapper that counts the
 * depth around a call of F$body, so direct calls, tables and exports all pass through it.
 * wasm2c counts both frames: 2 x MAX_CALL_DEPTH stays under its 500. Returns the global's name.
 */
function boundCallDepth(binaryen: typeof binaryenType, m: binaryenType.Module): string {
  const depth = 'hw$depth';
  m.addGlobal(depth, binaryen.i32, true, m.i32.const(0));
  const defined: binaryenType.FunctionInfo[] = [];
  for (let i = 0; i < m.getNumFunctions(); i++) {
    const info = binaryen.getFunctionInfo(m.getFunctionByIndex(i));
    if (!info.module) defined.push(info);
  }
  for (const f of defined) {
    const inner = `${f.name}$body`;
    m.removeFunction(f.name);
    m.addFunction(inner, f.params, f.results, f.vars, f.body);
    const params = binaryen.expandType(f.params);
    const call = m.call(inner, params.map((t, k) => m.local.get(k, t)), f.results);
    const d = () => m.global.get(depth, binaryen.i32);
    const returns = f.results !== binaryen.none;
    m.addFunction(f.name, f.params, f.results, returns ? [f.results] : [], m.block(null, [
      m.global.set(depth, m.i32.add(d(), m.i32.const(1))),
      m.if(m.i32.gt_u(d(), m.i32.const(MAX_CALL_DEPTH)), m.unreachable()),
      returns ? m.local.set(params.length, call) : call,
      m.global.set(depth, m.i32.sub(d(), m.i32.const(1))),
      ...(returns ? [m.local.get(params.length, f.results)] : []),
    ], f.results));
  }
  return depth;
}
