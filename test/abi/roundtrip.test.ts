// ABI round trip, field by field: TypeScript writes a struct, AssemblyScript reads every field
// through its generated accessors; AssemblyScript writes, TypeScript reads.
import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import asc from 'assemblyscript/asc';
import * as abi from '../../host/abi/generated.js';
import { ROOT } from '../support/modules.js';

const spec = JSON.parse(readFileSync(join(ROOT, 'abi/v1.json'), 'utf8'));
type Field = { path: string[]; type: string };

function flatten(struct: string, prefix: string[] = []): Field[] {
  const out: Field[] = [];
  for (const [f, t] of spec.structs[struct].fields as [string, string][]) {
    if (spec.structs[t]) out.push(...flatten(t, [...prefix, f]));
    else out.push({ path: [...prefix, f], type: t });
  }
  return out;
}

const BITS: Record<string, bigint> = { u8: 8n, u16: 16n, u32: 32n, u64: 64n };
let exports: Record<string, (...a: number[]) => number> & { memory: WebAssembly.Memory };

beforeAll(async () => {
  const { error, stdout, stderr } = await asc.main(['test/fixtures/abi-echo/index.ts', '--runtime', 'stub', '--outFile', 'echo.wasm'], {
    readFile: (name: string, base: string) => { try { return readFileSync(join(ROOT, base, name), 'utf8'); } catch { return null; } },
    writeFile: (name: string, contents: string | Uint8Array) => { if (typeof contents !== 'string' && name.endsWith('.wasm')) bin = contents; },
    listFiles: () => [],
  });
  if (error) throw new Error(`${error.message}\n${stderr.toString()}${stdout.toString()}`);
  const inst = await WebAssembly.instantiate(new WebAssembly.Module(bin! as BufferSource), { env: { abort: () => { throw new Error('abort'); } } });
  exports = inst.exports as typeof exports;
});
let bin: Uint8Array | undefined;

function setPath(obj: Record<string, unknown>, path: string[], v: unknown) {
  let o = obj;
  for (const k of path.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
  o[path[path.length - 1]!] = v;
}
function getPath(obj: Record<string, unknown>, path: string[]): unknown {
  return path.reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], obj);
}

describe.each(Object.keys(spec.structs))('%s', (name) => {
  const fields = flatten(name);
  const arb = fc.tuple(...fields.map((f) => fc.bigInt({ min: 0n, max: (1n << BITS[f.type]!) - 1n })));
  const read = (abi as unknown as Record<string, (dv: DataView, b: number) => Record<string, unknown>>)[`read${name}`]!;
  const write = (abi as unknown as Record<string, (dv: DataView, b: number, v: unknown) => void>)[`write${name}`]!;
  const toValue = (f: Field, v: bigint) => (f.type === 'u64' ? v : Number(v));

  it('TypeScript -> AssemblyScript, every field', () => {
    fc.assert(fc.property(arb, (vals) => {
      const base = exports.scratch!() as number;
      const dv = new DataView(exports.memory.buffer);
      const obj: Record<string, unknown> = {};
      fields.forEach((f, i) => setPath(obj, f.path, toValue(f, vals[i]!)));
      new Uint8Array(exports.memory.buffer, base, 2048).fill(0);
      write(dv, base, obj);
      exports[`read_${name}`]!(base, base + 1024);
      fields.forEach((f, i) => expect(dv.getBigUint64(base + 1024 + i * 8, true), f.path.join('.')).toBe(vals[i]));
    }), { numRuns: 50 });
  });

  it('AssemblyScript -> TypeScript, every field', () => {
    fc.assert(fc.property(arb, (vals) => {
      const base = exports.scratch!() as number;
      const dv = new DataView(exports.memory.buffer);
      new Uint8Array(exports.memory.buffer, base, 2048).fill(0);
      vals.forEach((v, i) => dv.setBigUint64(base + 1024 + i * 8, v, true));
      exports[`write_${name}`]!(base + 1024, base);
      const obj = read(dv, base);
      fields.forEach((f, i) => expect(getPath(obj, f.path), f.path.join('.')).toBe(toValue(f, vals[i]!)));
    }), { numRuns: 50 });
  });
});
