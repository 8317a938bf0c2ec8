#!/usr/bin/env node
// Generates the TypeScript, AssemblyScript and C views of abi/v1.json.
// `node scripts/gen-abi.mjs --check` exits 1 if a generated file is stale (run by the tests).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const spec = JSON.parse(readFileSync(join(root, 'abi/v1.json'), 'utf8'));
const SIZES = { u8: 1, u16: 2, u32: 4, u64: 8 };
const HEADER = 'Generated from abi/v1.json by scripts/gen-abi.mjs. Do not edit.';

/** Lays out every struct with natural alignment and checks it against the declared size. */
function layout() {
  const out = {};
  for (const [name, s] of Object.entries(spec.structs)) {
    let off = 0;
    const fields = [];
    for (const [fname, type] of s.fields) {
      const nested = spec.structs[type];
      const size = nested ? nested.size : SIZES[type];
      const align = nested ? 8 : size;
      if (!size) throw new Error(`abi/v1.json: struct ${name}.${fname}: unknown type ${type}`);
      if (off % align) throw new Error(`abi/v1.json: struct ${name}.${fname} at ${off} is not ${align}-aligned`);
      fields.push({ name: fname, type, offset: off, size, nested: !!nested });
      off += size;
    }
    if (off !== s.size) throw new Error(`abi/v1.json: struct ${name} lays out to ${off} bytes, declared ${s.size}`);
    out[name] = { ...s, fields };
  }
  return out;
}

const structs = layout();
const snake = (s) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
const upper = (s) => snake(s).toUpperCase();

function typescript() {
  const L = [`// ${HEADER}`, '/* eslint-disable */', ''];
  L.push(`export const ABI_MAJOR = ${spec.version.major};`, `export const ABI_MINOR = ${spec.version.minor};`, '');
  for (const [k, c] of Object.entries(spec.constants)) L.push(`/** ${c.doc} */`, `export const ${k} = ${c.value};`);
  L.push('');
  for (const [k, e] of Object.entries(spec.enums)) {
    L.push(`/** ${e.doc} */`, `export const ${k} = {`);
    for (const [n, v] of Object.entries(e.values)) L.push(`  ${n}: ${v},`);
    L.push('} as const;');
    L.push(`export const ${k}Name: Record<number, string> = {`);
    for (const [n, v] of Object.entries(e.values)) L.push(`  [${v}]: '${n}',`);
    L.push('};', '');
  }
  for (const [name, s] of Object.entries(structs)) {
    L.push(`/** ${s.doc} */`, `export const ${name}Layout = {`, `  SIZE: ${s.size},`);
    for (const f of s.fields) L.push(`  ${f.name}: ${f.offset},`);
    L.push('} as const;', '');
    L.push(`export interface ${name} {`);
    for (const f of s.fields) L.push(`  ${f.name}: ${f.nested ? f.type : f.type === 'u64' ? 'bigint' : 'number'};`);
    L.push('}', '');
    L.push(`export function read${name}(dv: DataView, base: number): ${name} {`, '  return {');
    for (const f of s.fields) {
      const at = `base + ${f.offset}`;
      const r = f.nested ? `read${f.type}(dv, ${at})`
        : f.type === 'u8' ? `dv.getUint8(${at})`
        : f.type === 'u16' ? `dv.getUint16(${at}, true)`
        : f.type === 'u32' ? `dv.getUint32(${at}, true)`
        : `dv.getBigUint64(${at}, true)`;
      L.push(`    ${f.name}: ${r},`);
    }
    L.push('  };', '}', '');
    L.push(`export function write${name}(dv: DataView, base: number, v: ${name}): void {`);
    for (const f of s.fields) {
      const at = `base + ${f.offset}`;
      const w = f.nested ? `write${f.type}(dv, ${at}, v.${f.name})`
        : f.type === 'u8' ? `dv.setUint8(${at}, v.${f.name})`
        : f.type === 'u16' ? `dv.setUint16(${at}, v.${f.name}, true)`
        : f.type === 'u32' ? `dv.setUint32(${at}, v.${f.name}, true)`
        : `dv.setBigUint64(${at}, v.${f.name}, true)`;
      L.push(`  ${w};`);
    }
    L.push('}', '');
  }
  L.push('/** Exports a policy module must have, with their signatures. */', 'export const REQUIRED_EXPORTS = {');
  for (const [n, e] of Object.entries(spec.exports)) {
    if (e.kind === 'memory') L.push(`  ${n}: { kind: 'memory' },`);
    else L.push(`  ${n}: { kind: 'function', params: ${JSON.stringify(e.params)}, results: ${JSON.stringify(e.results)} },`);
  }
  L.push('} as const;', '');
  L.push('/** The only imports a production policy module may have. */', 'export const ALLOWED_IMPORTS = {');
  for (const [n, e] of Object.entries(spec.imports)) L.push(`  '${n}': { params: ${JSON.stringify(e.params)}, results: ${JSON.stringify(e.results)} },`);
  L.push('} as const;', '');
  return L.join('\n');
}

function assemblyscript() {
  const L = [`// ${HEADER}`, ''];
  L.push(`export const ABI_MAJOR: i32 = ${spec.version.major};`, `export const ABI_MINOR: i32 = ${spec.version.minor};`, '');
  for (const [k, c] of Object.entries(spec.constants)) L.push(`/** ${c.doc} */`, `export const ${k}: u32 = ${c.value};`);
  L.push('');
  for (const [k, e] of Object.entries(spec.enums)) {
    L.push(`/** ${e.doc} */`, `export namespace ${k} {`);
    const t = k === 'Status' ? 'i32' : 'u32';
    for (const [n, v] of Object.entries(e.values)) L.push(`  export const ${n}: ${t} = ${v};`);
    L.push('}', '');
    if (k !== 'SyncFlag') {
      L.push(`/** The name of a ${k} value (static strings: nothing allocated). */`, `export function ${k}Name(v: ${t}): string {`, '  switch (v) {');
      for (const [n, v] of Object.entries(e.values)) L.push(`    case ${v}: return '${n}';`);
      L.push("    default: return '?';", '  }', '}', '');
    }
  }
  const asType = { u8: 'u8', u16: 'u16', u32: 'u32', u64: 'u64' };
  for (const [name, s] of Object.entries(structs)) {
    L.push(`export const ${upper(name)}_SIZE: usize = ${s.size};`, '');
    L.push(`/** ${s.doc} */`, '@unmanaged', `export class ${name} {`);
    for (const f of s.fields) {
      if (f.nested) {
        L.push(`  @inline get ${f.name}(): ${f.type} { return changetype<${f.type}>(changetype<usize>(this) + ${f.offset}); }`);
        continue;
      }
      const t = asType[f.type];
      L.push(`  @inline get ${f.name}(): ${t} { return load<${t}>(changetype<usize>(this), ${f.offset}); }`);
      L.push(`  @inline set ${f.name}(v: ${t}) { store<${t}>(changetype<usize>(this), v, ${f.offset}); }`);
    }
    L.push(`  @inline static at(ptr: usize): ${name} { return changetype<${name}>(ptr); }`);
    L.push('}', '');
  }
  return L.join('\n');
}

function c() {
  const L = [`/* ${HEADER} */`, '#ifndef HEAPWISE_ABI_H', '#define HEAPWISE_ABI_H', '', '#include <stddef.h>', '#include <stdint.h>', ''];
  L.push(`#define HW_ABI_MAJOR ${spec.version.major}`, `#define HW_ABI_MINOR ${spec.version.minor}`, '');
  for (const [k, cst] of Object.entries(spec.constants)) L.push(`/* ${cst.doc} */`, `#define HW_${k} ${cst.value}u`);
  L.push('');
  for (const [k, e] of Object.entries(spec.enums)) {
    L.push(`/* ${e.doc} */`);
    for (const [n, v] of Object.entries(e.values)) L.push(`#define HW_${upper(k)}_${n} (${v})`);
    L.push('');
  }
  const cType = { u8: 'uint8_t', u16: 'uint16_t', u32: 'uint32_t', u64: 'uint64_t' };
  for (const [name, s] of Object.entries(structs)) {
    const t = `hw_${snake(name)}`;
    L.push(`/* ${s.doc} */`, `typedef struct ${t} {`);
    for (const f of s.fields) L.push(`  ${f.nested ? `hw_${snake(f.type)}` : cType[f.type]} ${snake(f.name)};`);
    L.push(`} ${t};`);
    L.push(`_Static_assert(sizeof(${t}) == ${s.size}, "${name} size");`);
    for (const f of s.fields) L.push(`_Static_assert(offsetof(${t}, ${snake(f.name)}) == ${f.offset}, "${name}.${f.name}");`);
    L.push('');
  }
  L.push('#endif /* HEAPWISE_ABI_H */', '');
  return L.join('\n');
}

/** Test-only AssemblyScript module: reads and writes every struct field through the generated accessors. */
function echo() {
  const L = [`// ${HEADER}`, '// Test fixture: the ABI round trip (test/abi/roundtrip.test.ts).', "import * as abi from '../../../asm/abi/generated';", ''];
  L.push('const region: usize = memory.data(4096, 16);', 'export function scratch(): usize { return region; }', '');
  for (const [name, s] of Object.entries(structs)) {
    const flat = [];
    const walk = (st, prefix) => { for (const f of st.fields) { if (f.nested) walk(structs[f.type], `${prefix}${f.name}.`); else flat.push({ path: `${prefix}${f.name}`, type: f.type }); } };
    walk(s, '');
    L.push(`/** Writes each ${name} field at src, in spec order, as a u64 at dst + 8 * i. */`);
    L.push(`export function read_${name}(src: usize, dst: usize): void {`, `  const v = abi.${name}.at(src);`);
    flat.forEach((f, i) => L.push(`  store<u64>(dst + ${i * 8}, <u64>v.${f.path});`));
    L.push('}', '');
    L.push(`/** Sets each ${name} field at dst from the u64s at src (spec order). */`);
    L.push(`export function write_${name}(src: usize, dst: usize): void {`, `  const v = abi.${name}.at(dst);`);
    flat.forEach((f, i) => L.push(`  v.${f.path} = <${f.type}>load<u64>(src + ${i * 8});`));
    L.push('}', '');
  }
  return L.join('\n');
}

/** Markdown reference of every constant, enum and layout (docs/abi-layouts.md). */
function markdown() {
  const L = [`<!-- ${HEADER} -->`, '', `# Policy ABI ${spec.version.major}.${spec.version.minor}: constants, enums and layouts`, '', 'Prose and rules: [abi.md](abi.md). All integers little-endian, naturally aligned.', ''];
  L.push('## Constants', '', '| name | value | meaning |', '|---|---|---|');
  for (const [k, c] of Object.entries(spec.constants)) L.push(`| \`${k}\` | ${c.value} | ${c.doc} |`);
  L.push('', '## Enums', '');
  for (const [k, e] of Object.entries(spec.enums)) {
    L.push(`### ${k}`, '', e.doc, '', Object.entries(e.values).map(([n, v]) => `\`${n}\` = ${v}`).join(', '), '');
  }
  L.push('## Layouts', '');
  for (const [name, st] of Object.entries(structs)) {
    L.push(`### ${name} (${st.size} bytes)`, '', st.doc, '', '| offset | field | type |', '|---|---|---|');
    for (const f of st.fields) L.push(`| ${f.offset} | \`${f.name}\` | ${f.type} |`);
    L.push('');
  }
  L.push('## Exports', '', '| export | signature | meaning |', '|---|---|---|');
  for (const [n, e] of Object.entries(spec.exports)) L.push(`| \`${n}\` | ${e.kind === 'memory' ? 'memory' : `(${e.params.join(', ')}) -> (${e.results.join(', ')})`} | ${e.doc} |`);
  L.push('', '## Imports', '', '| import | signature | meaning |', '|---|---|---|');
  for (const [n, e] of Object.entries(spec.imports)) L.push(`| \`${n}\` | (${e.params.join(', ')}) -> (${e.results.join(', ')}) | ${e.doc} |`);
  L.push('');
  return L.join('\n');
}

const outputs = {
  'docs/abi-layouts.md': markdown(),
  'test/fixtures/abi-echo/index.ts': echo(),
  'host/abi/generated.ts': typescript(),
  'asm/abi/generated.ts': assemblyscript(),
  'bindings/c/include/heapwise_abi.h': c(),
};

const check = process.argv.includes('--check');
let stale = [];
for (const [rel, text] of Object.entries(outputs)) {
  const path = join(root, rel);
  let cur = null;
  try { cur = readFileSync(path, 'utf8'); } catch {}
  if (cur === text) continue;
  if (check) { stale.push(rel); continue; }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  console.log(`wrote ${rel}`);
}
if (stale.length) {
  console.error(`stale generated ABI files (run npm run gen:abi): ${stale.join(', ')}`);
  process.exit(1);
}
