// heapwise compile checks where it writes before any tool runs.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkOutputPath, OutputPathError } from '../../host/compile/output-path.js';
import { heapwise } from '../support/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'hw-compile-out-'));

describe('checkOutputPath', () => {
  it('accepts a new file in an existing directory', () => {
    expect(() => checkOutputPath(join(tmp, 'x.so'))).not.toThrow();
  });

  it('names the output and the reason', () => {
    writeFileSync(join(tmp, 'plain'), '');
    expect(() => checkOutputPath(join(tmp, 'nodir', 'x.so'))).toThrow(new OutputPathError(join(tmp, 'nodir', 'x.so'), 'directory does not exist'));
    expect(() => checkOutputPath(join(tmp, 'plain', 'x.so'))).toThrow(/is not a directory/);
    expect(() => checkOutputPath(tmp)).toThrow(`cannot write ${tmp}: it is a directory`);
  });
});

describe('heapwise compile -o into a missing directory', () => {
  it('exits 2 before invoking the compiler, leaving no temporary file', () => {
    const before = readdirSync(tmpdir()).filter((f) => f.startsWith('heapwise-compile-')).length;
    const out = join(tmp, 'nodir', 'x.so');
    const r = heapwise(['compile', 'default', '-o', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`heapwise: cannot write ${out}: directory does not exist\n`);
    expect(readdirSync(tmp).filter((f) => f.includes('.tmp'))).toEqual([]);
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('heapwise-compile-')).length).toBe(before);
  });
});
