// Deterministic fuel: every function entry and loop header of a policy is charged one unit
// (binaryen's log-execution pass points, with the logger replaced by a counter), so a module
// that loops forever stops at the same instruction in every host. The start function becomes
// the export hw_start, so hosts run it under a budget too instead of inside instantiation.
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
/** Version of the instrumentation: a trace or a compiled .so records it. */
export const FUEL_INSTRUMENTATION = 1;

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
    m.runPasses(['log-execution']);
    // The pass imports env.log_execution(i32); a defined function of the same name takes its place.
    m.removeFunction('log_execution');
    const fuel = 'hw$fuel';
    m.addGlobal(fuel, binaryen.i32, true, m.i32.const(DEFAULT_FUEL));
    m.addFunction('log_execution', binaryen.createType([binaryen.i32]), binaryen.none, [], m.block(null, [
      m.global.set(fuel, m.i32.sub(m.global.get(fuel, binaryen.i32), m.i32.const(1))),
      m.if(m.i32.lt_s(m.global.get(fuel, binaryen.i32), m.i32.const(0)), m.unreachable()),
    ]));
    m.addFunction(FUEL_SET, binaryen.createType([binaryen.i32]), binaryen.none, [], m.global.set(fuel, m.local.get(0, binaryen.i32)));
    m.addFunction(FUEL_LEFT, binaryen.none, binaryen.i32, [], m.global.get(fuel, binaryen.i32));
    m.addFunctionExport(FUEL_SET, FUEL_SET);
    m.addFunctionExport(FUEL_LEFT, FUEL_LEFT);
    if (startFunction !== null) {
      const name = binaryen.getFunctionInfo(m.getFunctionByIndex(startFunction)).name;
      m.setStart(0 as unknown as binaryenType.FunctionRef);
      m.addFunctionExport(name, START);
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
