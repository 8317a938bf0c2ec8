// A key repeated in one object, or holding NUL, is refused where jansson (the C host) refuses
// it: the line, the column of the key's closing quote and the key as written.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstKeyFault } from '../../host/input/key-fault.js';
import { parseJson } from '../../host/input/json-file.js';
import { heapwise } from '../support/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'hw-key-fault-'));

describe('firstKeyFault', () => {
  it('names the line, column and key as jansson does', () => {
    // Positions and tokens as jansson 2.14 reports them (json_loads with JSON_REJECT_DUPLICATES).
    const cases: [string, number, number, string][] = [
      ['{"a": 1, "a": 2}', 1, 12, '"a"'],
      ['{\n  "size": 1,\n  "size": 2}', 3, 8, '"size"'],
      ['{"a": {"b":1,"b" :2}}', 1, 16, '"b"'],
      ['{"é": 1, "é": 2}', 1, 12, '"é"'],
      ['{"a":1,"\\u0061":2}', 1, 15, '"\\u0061"'],
    ];
    for (const [text, line, column, token] of cases) expect(firstKeyFault(text), text).toEqual({ line, column, detail: `duplicate object key near '${token}'` });
    expect(firstKeyFault('{"ok": 1, "a\\u0000": 1}')).toEqual({ line: 1, column: 19, detail: `NUL byte in object key not supported near '"a\\u0000"'` });
    // Past 20 bytes of UTF-8 jansson leaves the key out; it counts columns in characters.
    expect(firstKeyFault('{"abcdefghijklmnopqr": 1, "abcdefghijklmnopqr": 2}')).toEqual({ line: 1, column: 46, detail: `duplicate object key near '"abcdefghijklmnopqr"'` });
    expect(firstKeyFault('{"abcdefghijklmnopqrs": 1, "abcdefghijklmnopqrs": 2}')).toEqual({ line: 1, column: 48, detail: 'duplicate object key' });
    expect(firstKeyFault('{"éééééééééa": 1, "éééééééééa": 2}')).toEqual({ line: 1, column: 30, detail: 'duplicate object key' });
    expect(firstKeyFault('{"😀": 1, "😀": 2}')).toEqual({ line: 1, column: 12, detail: `duplicate object key near '"😀"'` });
    // In document order: the NUL key before the repeat.
    expect(firstKeyFault('{"\\u0000": {"b": 1, "b": 2}}')?.detail).toMatch(/^NUL byte/);
  });

  it('keys are per object: siblings, nesting and arrays of objects may repeat them', () => {
    for (const text of ['[{"a":1},{"a":2}]', '{"a":{"x":1},"x":2}', '{"a":{"a":{"a":1}}}', '{}', '[]', '"a"'])
      expect(firstKeyFault(text), text).toBeUndefined();
  });

  it('JSON.stringify never repeats a key; repeating one is always found, at the repeat', () => {
    // NUL, in a key, is a fault of its own (above).
    const noNul = (s: string) => !s.includes('\\u0000');
    fc.assert(fc.property(fc.jsonValue().filter((v) => noNul(JSON.stringify(v))), fc.string({ minLength: 1, maxLength: 8 }).filter((s) => !s.includes('\0')), (v, key) => {
      const text = JSON.stringify(v);
      expect(firstKeyFault(text)).toBeUndefined();
      const k = JSON.stringify(key);
      const twice = `{${k}:${text},\n${k}:0}`;
      const found = firstKeyFault(twice);
      expect(found?.detail).toBe(`duplicate object key${new TextEncoder().encode(k).length <= 20 ? ` near '${k}'` : ''}`);
      expect(found?.line).toBe(1 + (text.match(/\n/g)?.length ?? 0) + 1);
      expect(found?.column).toBe([...k].length);
    }));
  });
});

describe('input files with a repeated key', () => {
  it('parseJson refuses one, naming the file', () => {
    expect(() => parseJson('{"size": 1, "size": 2}', 'r.json')).toThrow(`r.json: malformed JSON at line 1 column 18: duplicate object key near '"size"'`);
  });

  it('decide and simulate exit 2 on a platform, request or workload with one', () => {
    const platform = readFileSync('examples/platforms/rpi4.json', 'utf8');
    const pf = join(tmp, 'platform.json');
    writeFileSync(pf, platform.replace('{', '{\n"name": "twice",'));
    let r = heapwise(['decide', '--platform', pf, '--request', 'examples/requests/rpi4-camera-frame.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${pf}: malformed JSON at line `);
    expect(r.stderr).toContain(`: duplicate object key near '"name"'`);

    const rf = join(tmp, 'request.json');
    writeFileSync(rf, '{"size": 4096, "devices": ["isp"], "size": 8192}');
    r = heapwise(['decide', '--platform', 'examples/platforms/rpi4.json', '--request', rf]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${rf}: malformed JSON at line 1 column 41: duplicate object key near '"size"'`);

    const w = JSON.parse(readFileSync('examples/workloads/camera-isp-display.json', 'utf8')) as Record<string, unknown>;
    const wf = join(tmp, 'workload.json');
    const text = JSON.stringify({ ...w, platform: join(process.cwd(), 'examples/platforms/rpi4.json') }, null, 2);
    writeFileSync(wf, text.replace(/\n}$/, ',\n  "description": "twice"\n}'));
    r = heapwise(['simulate', '--workload', wf]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${wf}: malformed JSON at line `);
    expect(r.stderr).toContain(`duplicate object key near '"description"'`);
  });
});
