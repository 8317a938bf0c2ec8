// Random changes to a JSON input document, for the property tests that feed the hosts' parsers
// (test/c/sanitized.test.ts, test/c/input-parity.test.ts): any value replaced by another of any
// type, an edge number, a long or NUL-carrying string, or removed.
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

/** A change to one value of a JSON document (`at` modulo its path count picks the value). */
export const jsonChange = fc.record({
  at: fc.nat(),
  value: fc.oneof(
    fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
    fc.constantFrom<Json | undefined>(undefined, -1, 0, 2 ** 32, 2 ** 53, 2 ** 64, 1e308, 0.5, '', 'x'.repeat(5000), '\u00e9\u0000', [], {}),
  ),
});
