// Damaged binary traces: truncated, reordered, corrupted, future versions. Every reader refuses
// them with an InputError naming the file, the byte offset and the record (exit 2), never a crash
// and never a silently shorter replay.
import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../host/errors.js';
import { dumpTrace } from '../../host/trace/dump.js';
import { readTrace } from '../../host/trace/reader.js';
import { replay } from '../../host/trace/replay.js';
import { heapwise } from '../support/cli.js';
import { policy } from '../support/modules.js';
import { BinaryTraceImage } from './binary-image.js';
import { recordBoth } from './sessions.js';

const tmp = mkdtempSync(join(tmpdir(), 'hw-bin-errors-'));
let good: BinaryTraceImage;
let goodText = '';
let n = 0;

/** Writes damaged bytes to a new file. */
const damaged = (bytes: Buffer) => {
  const f = join(tmp, `bad-${n++}.hwtrace`);
  writeFileSync(f, bytes);
  return f;
};

/** Reads a whole trace as every consumer does; resolves to its dump. */
const readAll = async (file: string) => {
  const parts: string[] = [];
  await dumpTrace(file, (t) => { parts.push(t); });
  return parts.join('');
};

beforeAll(async () => {
  const r = recordBoth(tmp, 'good', 'camera-isp-display', await policy('default'), { path: null });
  good = BinaryTraceImage.read(r.binary);
  goodText = r.text;
  expect(good.blocks.length).toBeGreaterThan(2);
});

describe('damaged binary traces', () => {
  const cases: [string, () => Buffer, RegExp][] = [
    ['truncated mid-block', () => good.bytes.subarray(0, good.blocks[1]!.at + 100), /byte \d+.*truncated: block of \d+ bytes/],
    ['truncated at a block boundary', () => good.bytes.subarray(0, good.blocks[2]!.at), /byte \d+ \(record \d+\): truncated: no end record after \d+ records/],
    ['corrupted (one bit)', () => { const b = Buffer.from(good.bytes); b[good.blocks[1]!.at + 500]! ^= 0x10; return b; }, /byte \d+ \(record \d+\): corrupted block: CRC-32 0x[0-9a-f]{8}, recorded 0x[0-9a-f]{8}/],
    ['reordered blocks', () => {
      const [b1, b2] = [good.blocks[1]!, good.blocks[2]!];
      const one = good.bytes.subarray(b1.at, b1.at + 8 + b1.length);
      const two = good.bytes.subarray(b2.at, b2.at + 8 + b2.length);
      return Buffer.concat([good.bytes.subarray(0, b1.at), two, one, good.bytes.subarray(b2.at + 8 + b2.length)]);
    }, /out of order|does not follow it/],
    ['reordered events (CRCs fixed)', () => {
      const img = new BinaryTraceImage(Buffer.from(good.bytes));
      const ev = img.records.filter((r) => r.type === 3)[5]!;
      img.bytes.writeUInt32LE(img.u32(ev.payload) + 1, ev.payload);
      return img.withCrcs();
    }, /record \d+\): event record: event 6 out of order \(expected 5\)/],
    ['an event naming a heap the platform lacks (CRCs fixed)', () => {
      const img = new BinaryTraceImage(Buffer.from(good.bytes));
      const ev = img.records.filter((r) => r.type === 3 && img.u32(r.payload + 8) === 5)[0]!;
      img.bytes.writeUInt32LE(99, ev.payload + 8 + 40);
      return img.withCrcs();
    }, /event record: heap index 99 outside the platform's \d+ heaps/],
    ['future version', () => { const b = Buffer.from(good.bytes); b.writeUInt32LE(3, 8); return b; }, /byte 8: binary trace format version 3; this reader knows versions 1 and 2/],
    ['bytes after the end', () => Buffer.concat([good.bytes, Buffer.from([1, 2, 3])]), /bytes after the block holding the end record/],
    ['an absurd block length', () => { const b = Buffer.from(good.bytes); b.writeUInt32LE(0xfffffff0, good.blocks[1]!.at); return b; }, /corrupted block length 4294967280/],
    ['not a trace', () => Buffer.from('HELLO, world'), /not a binary heapwise trace/],
  ];

  it.each(cases)('%s: refused with the byte offset (InputError)', async (_name, make, msg) => {
    const file = damaged(make());
    const err = await readAll(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(msg);
    expect((err as Error).message).toContain(file);
    await expect(replay(file)).rejects.toBeInstanceOf(InputError);
  });

  it('replay, diff, explain and dump exit 2 on a damaged trace', () => {
    const file = damaged(good.bytes.subarray(0, good.blocks[1]!.at + 100));
    for (const args of [['replay', file], ['trace', 'dump', file], ['diff', file, '--policy', 'default', '--policy', 'naive'], ['explain', '--trace', file, '--event', '999999']]) {
      const r = heapwise(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/truncated/);
    }
  });

  it('random truncations never crash: refused, or (whole file) read completely', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: good.bytes.length }), async (cut) => {
      const file = damaged(good.bytes.subarray(0, cut));
      const r = await readAll(file).then((t) => t, (e: unknown) => e);
      if (cut === good.bytes.length) expect(r).toBe(goodText);
      else expect(r, `cut at ${cut}`).toBeInstanceOf(InputError);
    }), { numRuns: 60 });
  });

  it('random bit flips never crash: always refused (the CRC or a header check catches them)', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: good.bytes.length - 1 }), fc.integer({ min: 0, max: 7 }), async (at, bit) => {
      const b = Buffer.from(good.bytes);
      b[at]! ^= 1 << bit;
      const file = damaged(b);
      const r = await readAll(file).then((t) => t, (e: unknown) => e);
      expect(r, `bit ${bit} of byte ${at}`).toBeInstanceOf(InputError);
    }), { numRuns: 80 });
  });

  it('random damage never crashes replay: refused (exit 2 in the CLI) or identical', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: good.bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), fc.boolean(), async (at, xor, fixCrcs) => {
      const img = new BinaryTraceImage(Buffer.from(good.bytes));
      img.bytes[at]! ^= xor;
      const file = damaged(fixCrcs && at >= 12 ? img.withCrcs() : img.bytes);
      const r = await replay(file).then((x) => x, (e: unknown) => e);
      // With the CRCs fixed, a changed event or answer byte is a real divergence: reported, not thrown.
      if (!(r instanceof InputError)) expect(r, `xor ${xor} at ${at}`).toHaveProperty('identical');
    }), { numRuns: 25 });
  });

  it('a whole trace read back has exactly its records', async () => {
    let count = 0;
    for await (const l of readTrace(damaged(good.bytes))) { void l; count++; }
    expect(count).toBe(good.records.length);
  });
});
