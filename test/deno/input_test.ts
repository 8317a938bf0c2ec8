/// <reference lib="deno.ns" />
// Input files under Deno: a key repeated in one object, or holding NUL, is refused in the words
// and at the place the Node and C hosts name (jansson's).
import assert from 'node:assert/strict';
import { loadPlatformFile } from '../../bindings/deno/mod.ts';

Deno.test('a platform file with a repeated key or a NUL in a key: exit 2, the line, column and key', () => {
  const dir = Deno.makeTempDirSync({ prefix: 'heapwise-deno-input-' });
  try {
    const cases: [string, string][] = [
      ['{"name": "p",\n "heaps": [], "name": "q"}', `line 2 column 20: duplicate object key near '"name"'`],
      ['{"name": "p", "a\\u0000": 1}', `line 1 column 23: NUL byte in object key not supported near '"a\\u0000"'`],
    ];
    for (const [text, where] of cases) {
      const file = `${dir}/platform.json`;
      Deno.writeTextFileSync(file, text);
      assert.throws(() => loadPlatformFile(file), (e: Error & { exitCode?: number }) => {
        assert.equal(e.message, `${file}: malformed JSON at ${where}`);
        assert.equal(e.exitCode, 2);
        return true;
      });
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
