// Damaged binary traces under the rules shared with JSON Lines (docs/trace.md, "Errors"): a cut
// file header, results deleted or mistyped, named by byte offset and record index (exit 2).
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../host/errors.js';
import { dumpTrace } from '../../host/trace/dump.js';
import { replay } from '../../host/trace/replay.js';
import { heapwise } from '../support/cli.js';
import { policy } from '../support/modules.js';
import { BinaryTraceImage } from './binary-image.js';
import { recordBoth } from './sessions.js';

const tmp = mkdtempSync(join(tmpdir(), 'hw-bin-damaged-'));
let good: BinaryTraceImage;
let n = 0;
const RESULT = 6;
const ANSWER = 4;

const file = (bytes: Buffer) => {
  const f = join(tmp, `bad-${n++}.hwtrace`);
  writeFileSync(f, bytes);
  return f;
};

/** The trace without record `index`: its block shortened, every CRC recomputed. */
function without(index: number): Buffer {
  const r = good.records[index - 1]!;
  const block = good.blocks[r.block]!;
  const cut = Buffer.concat([good.bytes.subarray(0, r.at), good.bytes.subarray(r.payload + r.length)]);
  cut.writeUInt32LE(block.length - 5 - r.length, block.at);
  return new BinaryTraceImage(cut).withCrcs();
}

/** Replay and dump both refuse with `msg` (InputError, exit 2). */
async function refused(f: string, msg: RegExp): Promise<void> {
  for (const run of [() => replay(f), () => dumpTrace(f, () => {})]) {
    const e = await run().then(() => null, (x: unknown) => x);
    expect(e, `${f} accepted`).toBeInstanceOf(InputError);
    expect((e as Error).message).toContain(f);
    expect((e as Error).message).toMatch(msg);
  }
}

beforeAll(async () => {
  const r = recordBoth(tmp, 'good', 'camera-isp-display', await policy('default'), { path: null });
  good = BinaryTraceImage.read(r.binary);
});

describe('damaged binary traces (shared rules)', () => {
  it('a file cut inside its version after the magic is truncated, naming the offset', async () => {
    await refused(file(good.bytes.subarray(0, 10)), /at byte 8: truncated: the format version is cut short/);
    const r = heapwise(['replay', file(good.bytes.subarray(0, 10))]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('truncated: the format version is cut short');
  });

  it('a deleted first result is refused with its record', async () => {
    const first = good.records.find((x) => x.type === RESULT)!;
    await refused(file(without(first.index)), new RegExp(`\\(record ${first.index}\\): result record: result for op 1 out of order \\(expected op 0\\)`));
  });

  it('a deleted last result is refused when the next record arrives', async () => {
    const second = good.records.filter((x) => x.type === RESULT)[1]!;
    expect(good.bytes.readInt32LE(second.payload + 4)).toBe(1);
    await refused(file(without(second.index)), /\(record \d+\): \w+ record: event 0: 1 results for the answer's 2 ops/);
  });

  it('a deleted answer is refused at its first result', async () => {
    const answer = good.records.find((x) => x.type === ANSWER)!;
    await refused(file(without(answer.index)), new RegExp(`\\(record ${answer.index}\\): result record: result for event 0 before its answer`));
  });

  it('a negative result op is refused', async () => {
    const img = new BinaryTraceImage(Buffer.from(good.bytes));
    const first = img.records.find((x) => x.type === RESULT)!;
    img.bytes.writeInt32LE(-1, first.payload + 4);
    await refused(file(img.withCrcs()), new RegExp(`\\(record ${first.index}\\): result record: op -1 is negative`));
  });

  it('a corrupted block names the record it starts with', async () => {
    const b = Buffer.from(good.bytes);
    const block = good.blocks[1]!;
    b[block.at + 500]! ^= 0x10;
    const firstIn = good.records.find((x) => x.block === 1)!;
    await refused(file(b), new RegExp(`byte ${block.at} \\(record ${firstIn.index}\\): corrupted block`));
  });
});
