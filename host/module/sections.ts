// A minimal reader of the WebAssembly binary sections the loader must see before it
// instantiates anything: imports, exports with their signatures, and memory limits
// (the JS API does not expose a memory's declared maximum).

export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref' | string;

export interface FuncType { params: ValType[]; results: ValType[] }
export interface Limits { min: number; max: number | null; shared: boolean; memory64: boolean }
export interface ImportEntry { module: string; name: string; kind: 'function' | 'table' | 'memory' | 'global' | 'tag'; type?: FuncType; limits?: Limits }
export interface ExportEntry { name: string; kind: 'function' | 'table' | 'memory' | 'global' | 'tag'; index: number; type?: FuncType }

export interface ModuleSections {
  imports: ImportEntry[];
  exports: ExportEntry[];
  /** Memories defined by the module itself (imported memories are in `imports`). */
  memories: Limits[];
  /** Index of the start function, or null. */
  start: number | null;
  /** Whether any function body uses a floating-point value type or instruction (coarse scan). */
  usesFloat: boolean;
}

export class WasmFormatError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at byte ${offset}`);
    this.name = 'WasmFormatError';
  }
}

const VALTYPES: Record<number, ValType> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };
const KINDS = ['function', 'table', 'memory', 'global', 'tag'] as const;

class Reader {
  pos = 0;
  constructor(readonly b: Uint8Array, readonly end = b.length) {}
  byte(): number {
    if (this.pos >= this.end) throw new WasmFormatError('unexpected end of module', this.pos);
    return this.b[this.pos++]!;
  }
  /** Unsigned LEB128 of a u32 or u64 (at most 5 or 10 bytes, as the spec says); exact up to 2^53. */
  uleb(bits: 32 | 64): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = this.byte();
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) break;
      shift += 7;
      if (shift >= bits) throw new WasmFormatError('LEB128 integer too long', this.pos);
    }
    return result;
  }
  u32(): number { return this.uleb(32); }
  u64(): number { return this.uleb(64); }
  name(): string {
    const n = this.u32();
    if (this.pos + n > this.end) throw new WasmFormatError('name runs past its section', this.pos);
    const s = new TextDecoder('utf-8', { fatal: true }).decode(this.b.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }
  valtype(): ValType {
    const t = this.byte();
    return VALTYPES[t] ?? `0x${t.toString(16)}`;
  }
  limits(): Limits {
    const flags = this.byte();
    if (flags > 7) throw new WasmFormatError(`unknown limits flags 0x${flags.toString(16)}`, this.pos - 1);
    const memory64 = (flags & 4) !== 0;
    const min = memory64 ? this.u64() : this.u32();
    const max = flags & 1 ? (memory64 ? this.u64() : this.u32()) : null;
    return { min, max, shared: (flags & 2) !== 0, memory64 };
  }
}

/** Reads the sections the loader needs; throws WasmFormatError on a malformed module. */
export function readSections(bytes: Uint8Array): ModuleSections {
  const r = new Reader(bytes);
  if (bytes.length < 8 || r.byte() !== 0 || r.byte() !== 0x61 || r.byte() !== 0x73 || r.byte() !== 0x6d) {
    throw new WasmFormatError('not a WebAssembly module (bad magic)', 0);
  }
  const version = r.byte() | (r.byte() << 8) | (r.byte() << 16) | (r.byte() << 24);
  if (version !== 1) throw new WasmFormatError(`unsupported WebAssembly binary version ${version}`, 4);

  const types: FuncType[] = [];
  const funcTypeIdx: number[] = [];
  const out: ModuleSections = { imports: [], exports: [], memories: [], start: null, usesFloat: false };
  while (r.pos < bytes.length) {
    const id = r.byte();
    const size = r.u32();
    const start = r.pos;
    const end = start + size;
    if (end > bytes.length) throw new WasmFormatError(`section ${id} runs past the end of the module`, start);
    const s = new Reader(bytes, end);
    s.pos = start;
    switch (id) {
      case 1: {
        for (let n = s.u32(); n > 0; n--) {
          const form = s.byte();
          if (form !== 0x60) throw new WasmFormatError(`unsupported type form 0x${form.toString(16)}`, s.pos - 1);
          const params: ValType[] = [];
          for (let k = s.u32(); k > 0; k--) params.push(s.valtype());
          const results: ValType[] = [];
          for (let k = s.u32(); k > 0; k--) results.push(s.valtype());
          types.push({ params, results });
        }
        break;
      }
      case 2: {
        for (let n = s.u32(); n > 0; n--) {
          const module = s.name();
          const name = s.name();
          const kind = s.byte();
          const entry: ImportEntry = { module, name, kind: KINDS[kind] ?? 'tag' };
          if (kind === 0) { const t = s.u32(); entry.type = types[t]; funcTypeIdx.push(t); }
          else if (kind === 1) { s.byte(); s.limits(); }
          else if (kind === 2) entry.limits = s.limits();
          else if (kind === 3) { s.byte(); s.byte(); }
          else if (kind === 4) { s.byte(); s.u32(); }
          else throw new WasmFormatError(`unknown import kind ${kind}`, s.pos - 1);
          out.imports.push(entry);
        }
        break;
      }
      case 3: {
        for (let n = s.u32(); n > 0; n--) funcTypeIdx.push(s.u32());
        break;
      }
      case 5: {
        for (let n = s.u32(); n > 0; n--) out.memories.push(s.limits());
        break;
      }
      case 7: {
        for (let n = s.u32(); n > 0; n--) {
          const name = s.name();
          const kind = s.byte();
          const index = s.u32();
          const e: ExportEntry = { name, kind: KINDS[kind] ?? 'tag', index };
          if (kind === 0) e.type = types[funcTypeIdx[index] ?? -1];
          out.exports.push(e);
        }
        break;
      }
      case 8:
        out.start = s.u32();
        break;
      case 10:
        out.usesFloat = scanForFloat(bytes.subarray(start, end), types, funcTypeIdx);
        break;
      default:
        break;
    }
    r.pos = end;
  }
  return out;
}

/**
 * Coarse check for floating point in code: any local or signature of f32/f64 type, or a byte
 * in the float opcode ranges at an instruction position is not tracked precisely; we look at
 * declared locals and function signatures, which is where AssemblyScript float code shows.
 */
function scanForFloat(code: Uint8Array, types: FuncType[], funcTypeIdx: number[]): boolean {
  for (const idx of funcTypeIdx) {
    const t = types[idx];
    if (t && [...t.params, ...t.results].some((v) => v === 'f32' || v === 'f64')) return true;
  }
  const r = new Reader(code);
  for (let n = r.u32(); n > 0; n--) {
    const size = r.u32();
    const end = r.pos + size;
    const body = new Reader(code, end);
    body.pos = r.pos;
    for (let groups = body.u32(); groups > 0; groups--) {
      body.u32();
      const t = body.valtype();
      if (t === 'f32' || t === 'f64') return true;
    }
    r.pos = end;
  }
  return false;
}
