// Random changes to a JSON input document, for the property tests that feed the hosts' parsers
// (test/c/sanitized.test.ts, test/c/input-parity.test.ts): any value replaced by another of any
// type, an edge number, a long or NUL-carrying string, or removed; or a key added to an object
// (index-like keys, which JavaScript walks first, and __proto__ among them).
import fc from 'fast-check';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonPath = (string | number)[];

/** Every path to a value in `doc` (the root excluded). */
export function paths(doc: Json, at: JsonPath = [], out: JsonPath[] = []): JsonPath[] {
  if (doc !== null && typeof doc === 'object') {
    for (const [k, v] of Array.isArray(doc) ? doc.entries() : Object.entries(doc)) {
      out.push([...at, k]);
      paths(v, [...at, k], out);
    }
  }
  return out;
}

/** `doc` with the value at path `p` replaced by `v`, or removed when `v` is undefined. */
export function changed(doc: Json, p: JsonPath, v: Json | undefined): Json {
  const copy = structuredClone(doc) as Record<string | number, Json>;
  let o = copy;
  for (const k of p.slice(0, -1)) o = o[k] as Record<string | number, Json>;
  const last = p[p.length - 1]!;
  if (v !== undefined) o[last] = v;
  else if (Array.isArray(o)) o.splice(last as number, 1);
  else delete o[last];
  return copy;
}

/** A key to add: index-like ones (JavaScript orders them first), near-indices, prototype names, any short string. */
const addedKey = fc.oneof(
  fc.constantFrom('0', '5', '10', '4294967294', '4294967295', '01', '-1', '1.5', 'zz', '__proto__', 'constructor', 'toString'),
  fc.string({ maxLength: 6 }),
);

/** A change to a JSON document: `at` (modulo its path count) picks a value; with `keys`, they are added to it (an object) or to the root. */
export const jsonChange = fc.record({
  at: fc.nat(),
  value: fc.oneof(
    fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
    fc.constantFrom<Json | undefined>(undefined, -1, 0, 2 ** 32, 2 ** 53, 2 ** 64, 1e308, 0.5, '', 'x'.repeat(5000), '\u00e9\u0000', [], {}),
  ),
  // Keys added in one change of four: one or two (which of two unknown keys is named first is
  // where the hosts could differ).
  keys: fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: fc.array(addedKey, { minLength: 1, maxLength: 2 }), weight: 1 }),
});

export type JsonChange = { at: number; value: Json | undefined; keys?: string[] | undefined };

const standIns: string[] = [];

/** The document as a file: JSON.stringify, with each added key written in its place, as added. */
export function jsonText(doc: Json, indent?: number): string {
  return JSON.stringify(doc, null, indent).replace(/"\\u0001(\d+)"/g, (_m, n: string) => JSON.stringify(standIns[Number(n)]));
}

const isObject = (v: Json | undefined): v is { [k: string]: Json } => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `doc` after change `c`, and the change in words for a failure's label. */
export function applyChange(doc: Json, c: JsonChange): { doc: Json; what: string } {
  const all = paths(doc);
  const p = all.length ? all[c.at % all.length]! : [];
  if (c.keys === undefined) return { doc: changed(doc, p, c.value), what: `${p.join('.')} = ${JSON.stringify(c.value)?.slice(0, 60)}` };
  const copy = structuredClone(doc);
  let target: Json | undefined = copy;
  for (const k of p) target = (target as Record<string | number, Json>)[k];
  const o = isObject(target) ? target : isObject(copy) ? copy : undefined;
  if (!o) return { doc: copy, what: 'nothing (no object)' };
  // Under a stand-in name that jsonText writes back as the key: JSON.stringify would write an
  // index-like key first, and a file may have it anywhere (last, here), which JSON.parse reorders
  // and jansson does not. A key equal to one already there makes a file with a repeated key.
  for (const key of c.keys) {
    const standIn = `\u0001${standIns.length}`;
    standIns.push(key);
    o[standIn] = c.value ?? null;
  }
  return { doc: copy, what: `${o === target ? p.join('.') : '(root)'} + ${c.keys.map((k) => JSON.stringify(k)).join(', ')}: ${JSON.stringify(c.value ?? null)?.slice(0, 60)}` };
}
