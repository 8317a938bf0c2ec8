// Loading a policy module: everything is checked before a single instruction of it runs
// (imports, memory limits, exports and their signatures), then the ABI version and identity
// are read before anything else is called.
import { createHash } from 'node:crypto';
import { REQUIRED_EXPORTS, ALLOWED_IMPORTS, ABI_MAJOR, ABI_MINOR, INPUT_CAPACITY, OUTPUT_CAPACITY } from '../abi/generated.js';
import { PolicyRefusedError } from '../errors.js';
import { readSections, WasmFormatError, type ModuleSections, type FuncType } from './sections.js';
import { DEFAULT_FUEL, FUEL_SET, FUEL_LEFT, START } from './fuel.js';
import { instrumentFuelCached } from './fuel-cache.js';
import { checkPin, type Manifest } from './manifest.js';

export const DEFAULT_MEMORY_CAP = 16 * 1024 * 1024;
const PAGE = 65536;

export interface LoadOptions {
  /** Name used in messages: usually the file path. */
  label?: string;
  /** Largest memory a module may declare, in bytes (default 16 MiB). */
  memoryCapBytes?: number;
  /** Fuel units per call into the module (function entries and loop iterations; default 10 M). */
  fuel?: number;
  /** A manifest to enforce: hash pin, identity, allowed heaps, largest allocation, fuel. */
  manifest?: Manifest;
  /**
   * Grants debug builds one capability, a log sink: wasi fd_write to fds 1 and 2 (proc_exit
   * traps). Without it every WASI import is refused; with it every other WASI import still is.
   */
  logCapability?: boolean;
}

/** The imports a debug build may have when the caller grants the log capability. */
export const LOG_IMPORTS: Record<string, { params: string[]; results: string[] }> = {
  'wasi_snapshot_preview1.fd_write': { params: ['i32', 'i32', 'i32', 'i32'], results: ['i32'] },
  'wasi_snapshot_preview1.proc_exit': { params: ['i32'], results: [] },
};

export interface PolicyIdentity {
  name: string;
  version: string;
  sha256: string;
}

export interface ModuleReport {
  label: string;
  sha256: string;
  size: number;
  abi: { major: number; minor: number } | null;
  name: string | null;
  version: string | null;
  imports: { module: string; name: string; kind: string }[];
  exports: { name: string; kind: string; signature?: string }[];
  memory: { minPages: number; maxPages: number | null } | null;
  accepted: boolean;
  refusal: string | null;
}

const sig = (t?: FuncType) => (t ? `(${t.params.join(', ')}) -> (${t.results.join(', ')})` : '?');

/** Static checks: refuses with the import, export or limit at fault. */
export function checkSections(s: ModuleSections, label: string, capBytes: number, logCapability = false): void {
  const table: Record<string, { params: readonly string[]; results: readonly string[] }> = { ...ALLOWED_IMPORTS, ...(logCapability ? LOG_IMPORTS : {}) };
  for (const imp of s.imports) {
    const key = `${imp.module}.${imp.name}`;
    const allowed = table[key];
    if (!allowed || imp.kind !== 'function') {
      const hint = !logCapability && key in LOG_IMPORTS ? ' (a debug build: load it with the log capability)' : '';
      throw new PolicyRefusedError(label, `forbidden import ${key} (${imp.kind}); a policy may import only ${Object.keys(table).join(', ')}${hint}`);
    }
    if (sig(imp.type) !== sig({ params: [...allowed.params], results: [...allowed.results] })) {
      throw new PolicyRefusedError(label, `import ${key} has signature ${sig(imp.type)}, expected ${sig({ params: [...allowed.params], results: [...allowed.results] })}`);
    }
  }
  if (s.memories.length !== 1) throw new PolicyRefusedError(label, `must define exactly one memory, defines ${s.memories.length}`);
  const mem = s.memories[0]!;
  if (mem.memory64 || mem.shared) throw new PolicyRefusedError(label, 'memory must be a 32-bit, unshared memory');
  if (mem.max === null) throw new PolicyRefusedError(label, `memory declares no maximum; build with --maximumMemory (cap ${capBytes} bytes)`);
  if (mem.max * PAGE > capBytes) throw new PolicyRefusedError(label, `memory maximum ${mem.max * PAGE} bytes (${mem.max} pages) exceeds the host cap of ${capBytes} bytes`);
  for (const [name, want] of Object.entries(REQUIRED_EXPORTS)) {
    const e = s.exports.find((x) => x.name === name);
    if (!e) throw new PolicyRefusedError(label, `missing export ${name}`);
    if (e.kind !== want.kind) throw new PolicyRefusedError(label, `export ${name} is a ${e.kind}, expected a ${want.kind}`);
    if (want.kind === 'function') {
      const expected = sig({ params: [...want.params], results: [...want.results] });
      if (sig(e.type) !== expected) throw new PolicyRefusedError(label, `export ${name} has signature ${sig(e.type)}, expected ${expected}`);
    }
  }
  if (s.usesFloat) throw new PolicyRefusedError(label, 'uses floating point; decisions must be integer-only for determinism');
  for (const reserved of [FUEL_SET, FUEL_LEFT, START]) {
    if (s.exports.some((e) => e.name === reserved)) throw new PolicyRefusedError(label, `export ${reserved} is reserved for the host's fuel instrumentation`);
  }
}

/** A validated, compiled policy module; instantiate it with PolicyInstance. */
export class PolicyModule {
  private constructor(
    readonly label: string,
    readonly bytes: Uint8Array,
    readonly module: WebAssembly.Module,
    readonly sections: ModuleSections,
    readonly sha256: string,
    readonly memoryCapBytes: number,
    /** The module as it runs: fuel-instrumented (what `heapwise compile` hands wasm2c too). */
    readonly instrumented: Uint8Array,
    /** Fuel units per call into the module. */
    readonly fuel: number,
    readonly manifest: Manifest | null,
    /** The module was loaded with the log capability (a debug build). */
    readonly logCapability: boolean,
  ) {}

  /**
   * The same compiled module under another manifest (null: none), its pin checked; the fuel
   * budget stays (replay runs the trace's). Replay uses it to enforce a recorded manifest.
   */
  withManifest(m: Manifest | null): PolicyModule {
    if (m) checkPin(m, this.sha256, this.label);
    return new PolicyModule(this.label, this.bytes, this.module, this.sections, this.sha256, this.memoryCapBytes, this.instrumented, this.fuel, m, this.logCapability);
  }

  static sha256(bytes: Uint8Array): string {
    return createHash('sha256').update(bytes).digest('hex');
  }

  /** Checks and compiles; throws PolicyRefusedError naming what is wrong. */
  static async compile(bytes: Uint8Array, opts: LoadOptions = {}): Promise<PolicyModule> {
    const label = opts.label ?? '<policy>';
    const cap = opts.memoryCapBytes ?? DEFAULT_MEMORY_CAP;
    const sha256 = PolicyModule.sha256(bytes);
    if (opts.manifest) checkPin(opts.manifest, sha256, label);
    let sections: ModuleSections;
    try {
      sections = readSections(bytes);
    } catch (e) {
      if (e instanceof WasmFormatError) throw new PolicyRefusedError(label, `malformed module: ${e.message}`);
      throw e;
    }
    checkSections(sections, label, cap, !!opts.logCapability);
    let module: WebAssembly.Module;
    let instrumented: Uint8Array;
    try {
      // Validate the module as given first, so errors name the module's own fault.
      await WebAssembly.compile(bytes as BufferSource);
      instrumented = await instrumentFuelCached(bytes, sha256, sections.start);
      module = await WebAssembly.compile(instrumented as BufferSource);
    } catch (e) {
      throw new PolicyRefusedError(label, `invalid WebAssembly: ${(e as Error).message}`);
    }
    const fuel = opts.fuel ?? opts.manifest?.fuel ?? DEFAULT_FUEL;
    if (!Number.isInteger(fuel) || fuel < 1 || fuel > 0x7fffffff) throw new PolicyRefusedError(label, `fuel budget ${fuel} must be an integer from 1 to 2^31-1`);
    return new PolicyModule(label, bytes, module, sections, sha256, cap, instrumented, fuel, opts.manifest ?? null, !!opts.logCapability);
  }

  /** Same checks as compile(), reported rather than thrown (for `heapwise inspect`). */
  static async inspect(bytes: Uint8Array, opts: LoadOptions = {}): Promise<ModuleReport> {
    const label = opts.label ?? '<policy>';
    const report: ModuleReport = {
      label, sha256: PolicyModule.sha256(bytes), size: bytes.length, abi: null, name: null, version: null,
      imports: [], exports: [], memory: null, accepted: false, refusal: null,
    };
    try {
      const s = readSections(bytes);
      report.imports = s.imports.map((i) => ({ module: i.module, name: i.name, kind: i.kind }));
      report.exports = s.exports.map((e) => ({ name: e.name, kind: e.kind, ...(e.kind === 'function' ? { signature: sig(e.type) } : {}) }));
      const m = s.memories[0];
      if (m) report.memory = { minPages: m.min, maxPages: m.max };
    } catch (e) {
      report.refusal = (e as Error).message;
      return report;
    }
    try {
      const mod = await PolicyModule.compile(bytes, opts);
      const { PolicyInstance } = await import('./instance.js');
      const inst = PolicyInstance.create(mod);
      report.abi = inst.abi;
      report.name = inst.identity.name;
      report.version = inst.identity.version;
      report.accepted = true;
    } catch (e) {
      report.refusal = (e as Error).message;
    }
    return report;
  }
}

export { ABI_MAJOR, ABI_MINOR, INPUT_CAPACITY, OUTPUT_CAPACITY };
