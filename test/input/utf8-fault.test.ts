// Input files that are not UTF-8: refused where and as jansson (the C host) refuses them, not
// read on with U+FFFD in place of the bad bytes.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonFile } from '../../host/input/json-file.js';
import { firstInvalidUtf8, utf8Fault } from '../../host/input/utf8-fault.js';
import { heapwise } from '../support/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'hw-utf8-'));
const bytes = (s: string) => Buffer.from(s, 'latin1');

describe('utf8Fault', () => {
  it('names the line, column, byte and token as jansson 2.14 does', () => {
    // [bytes as latin1, line, column, detail]: each row what json_loadf reported for those bytes
    // (a column of 0, at a line's start, is 1 in both hosts).
    const cases: [string, number, number, string][] = [
      ['{"a": "x\xffy"}', 1, 8, `unable to decode byte 0xff near '"x'`],
      ['{"a":\n"\xff"}', 2, 1, `unable to decode byte 0xff near '"'`],
      ['{\xff}', 1, 1, 'unable to decode byte 0xff'],
      ['{"a": "\xc3x"}', 1, 7, `unable to decode byte 0xc3 near '"'`],
      ['{"a": "\xc0\x80"}', 1, 7, `unable to decode byte 0xc0 near '"'`],
      ['{"a": "\xed\xa0\x80"}', 1, 7, `unable to decode byte 0xed near '"'`],
      ['{"a": 1}\xff', 1, 8, 'unable to decode byte 0xff'],
      ['{"\xff": 1}', 1, 2, `unable to decode byte 0xff near '"'`],
      ['{"a": "\xf4\x90\x80\x80"}', 1, 7, `unable to decode byte 0xf4 near '"'`],
      ['{"a": "\xe2\x82"}', 1, 7, `unable to decode byte 0xe2 near '"'`],
      ['{"a": 1\xff}', 1, 7, `unable to decode byte 0xff near '1'`],
      ['{"a": tr\xff}', 1, 8, `unable to decode byte 0xff near 'tr'`],
      ['{"a":\n\xff}', 2, 1, 'unable to decode byte 0xff'],
      ['{"a": "x\\\xff"}', 1, 9, `unable to decode byte 0xff near '"x\\'`],
      ['{"a": "x\\u12\xff"}', 1, 12, `unable to decode byte 0xff near '"x\\u12'`],
      ['[1, \xff]', 1, 4, 'unable to decode byte 0xff'],
      ['{"a": 12.5e\xff}', 1, 11, `unable to decode byte 0xff near '12.5e'`],
      ['{"a": "abcdefghijklmnopqrstu\xff"}', 1, 28, 'unable to decode byte 0xff'],
      // A string is finished by its quote; a number or word only by what follows it.
      ['{"a": "x"\xff}', 1, 9, 'unable to decode byte 0xff'],
      ['{"a": true\xff}', 1, 10, `unable to decode byte 0xff near 'true'`],
      ['{"a": "x\\"\xff', 1, 10, `unable to decode byte 0xff near '"x\\"'`],
    ];
    for (const [text, line, column, detail] of cases) expect(utf8Fault(bytes(text)), JSON.stringify(text)).toEqual({ line, column, detail });
    // Characters, not bytes, before the bad one: "éé" is four bytes and two columns.
    expect(utf8Fault(Buffer.concat([Buffer.from('{"a": "éé'), bytes('\xff"}')]))).toEqual({ line: 1, column: 9, detail: `unable to decode byte 0xff near '"éé'` });
  });

  it('valid UTF-8 has no fault; a syntax error before the bad byte is that error\'s to name', () => {
    expect(firstInvalidUtf8(Buffer.from('{"a": "é€😀"}'))).toBe(-1);
    expect(utf8Fault(Buffer.from('{"a": "é€😀"}'))).toBeUndefined();
    expect(utf8Fault(bytes('{"a" : : "\xff"}'))).toBeUndefined();
  });

  it('a platform file with a bad byte: exit 2 naming the file, line and column', () => {
    const f = join(tmp, 'platform.json');
    const text = readFileSync('examples/platforms/rpi4.json');
    const at = text.indexOf('Raspberry');
    text[at] = 0xff;
    writeFileSync(f, text);
    expect(() => readJsonFile(f)).toThrow(`${f}: malformed JSON at line 3 column 18: unable to decode byte 0xff near '"'`);
    const r = heapwise(['decide', '--platform', f, '--request', 'examples/requests/rpi4-camera-frame.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unable to decode byte 0xff');
  });
});
