// The ABI is defined once (abi/v1.json); the TS, AS and C views must be generated from it.
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/modules.js';
import * as abi from '../../host/abi/generated.js';

const spec = JSON.parse(readFileSync(join(ROOT, 'abi/v1.json'), 'utf8'));

describe('generated ABI views', () => {
  it('are current with abi/v1.json', () => {
    expect(() => execFileSync(process.execPath, [join(ROOT, 'scripts/gen-abi.mjs'), '--check'], { stdio: 'pipe' })).not.toThrow();
  });

  it('C header compiles with every offset asserted', () => {
    const out = execFileSync('cc', ['-std=c11', '-fsyntax-only', '-x', 'c', join(ROOT, 'bindings/c/include/heapwise_abi.h')], { encoding: 'utf8' });
    expect(out).toBe('');
    const h = readFileSync(join(ROOT, 'bindings/c/include/heapwise_abi.h'), 'utf8');
    for (const [name, s] of Object.entries<{ fields: [string, string][] }>(spec.structs)) {
      for (const [f] of s.fields) expect(h, `${name}.${f}`).toContain(`"${name}.${f}"`);
    }
  });

  it('TS layouts match the declared sizes and the output region constants add up', () => {
    for (const [name, s] of Object.entries<{ size: number }>(spec.structs)) {
      expect((abi as unknown as Record<string, { SIZE: number }>)[`${name}Layout`]!.SIZE).toBe(s.size);
    }
    expect(abi.OUT_EXPLAIN_OFFSET).toBe(abi.OUT_OPS_OFFSET + abi.MAX_OPS * abi.OpLayout.SIZE);
    expect(abi.OUT_STRINGS_OFFSET).toBe(abi.OUT_EXPLAIN_OFFSET + abi.MAX_EXPLAIN * abi.ExplainLayout.SIZE);
    expect(abi.OUT_STRINGS_OFFSET + abi.OUT_STRINGS_CAPACITY).toBe(abi.OUTPUT_CAPACITY);
    expect(abi.OUT_OPS_OFFSET).toBe(abi.OutHeaderLayout.SIZE);
    expect(abi.EVENT_NAME_OFFSET).toBe(abi.EventLayout.SIZE);
    expect(abi.EVENT_USAGE_OFFSET).toBe(abi.EVENT_NAME_OFFSET + abi.NAME_CAPACITY);
    expect(abi.EVENT_USAGE_OFFSET + abi.MAX_HEAPS * 8).toBeLessThanOrEqual(abi.INPUT_CAPACITY);
  });
});
