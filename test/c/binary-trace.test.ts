// Binary traces in the C host: heapwise-c --record X.hwtrace writes the records the JSON Lines
// recording of the same session holds (the TS host's dump of one is the other, byte for byte),
// heapwise-c --replay takes both encodings and diverges alike, and damaged binary traces are
// refused with the file, the byte offset and the record, exit 2, never a crash.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { dumpTrace } from '../../host/trace/dump.js';
import { BinaryTraceImage } from '../trace/binary-image.js';
import { buildC, C_BUILD, ROOT, runDriver } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'heapwise-c-binary-'));
const so = (name: string) => join(C_BUILD, 'policies', `${name}.so`);
const dirs = [join(ROOT, 'examples', 'workloads'), join(ROOT, 'test', 'c', 'fixtures')];
const workloads = dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.json')).map((f) => join(d, f)));

/** Sessions with every record type: faults and a fallback swap (fuel), debug logs. */
const sessions: { name: string; args: string[] }[] = [
  ...workloads.map((w) => ({ name: w.slice(ROOT.length + 1), args: ['--workload', w] })),
  { name: 'fuel fault and fallback swap', args: ['--workload', join(ROOT, 'test/cross-host/workloads/fuel-meter.json'), '--policy', so('fuel-meter'), '--fuel', '3000', '--fallback', 'default'] },
  { name: 'debug logs', args: ['--workload', join(ROOT, 'test/c/fixtures/cma-fallback.json'), '--policy', so('default.debug'), '--log'] },
];

let n = 0;
/** Records `args` in both encodings; returns the two paths. */
function record(args: string[]): { binary: string; jsonl: string } {
  const stem = join(tmp, `s${n++}`);
  const out = { binary: `${stem}.hwtrace`, jsonl: `${stem}.jsonl` };
  for (const f of [out.binary, out.jsonl]) {
    const r = runDriver([...args, '--record', f]);
    expect(r.status, r.stderr).toBe(0);
  }
  return out;
}

async function dump(file: string): Promise<string> {
  const parts: string[] = [];
  await dumpTrace(file, (t) => { parts.push(t); });
  return parts.join('');
}

const damagedFile = (bytes: Buffer) => {
  const f = join(tmp, `bad-${n++}.hwtrace`);
  writeFileSync(f, bytes);
  return f;
};

let good: BinaryTraceImage;
let goodFile = '';

beforeAll(() => {
  buildC();
  goodFile = record(['--workload', join(ROOT, 'examples/workloads/camera-isp-display.json')]).binary;
  good = BinaryTraceImage.read(goodFile);
}, 300_000);

describe('C records binary traces', () => {
  it.each(sessions.map((s) => [s.name, s.args] as const))('%s: the TS dump of the binary trace is the JSON Lines trace, byte for byte; both replay in C', async (_name, args) => {
    const t = record(args);
    const text = readFileSync(t.jsonl, 'utf8');
    expect(await dump(t.binary)).toBe(text);
    const policy = args.includes('--policy') ? ['--policy', args[args.indexOf('--policy') + 1]!] : [];
    const extra = [...policy, ...(args.includes('--log') ? ['--log'] : [])];
    const events = text.split('\n').filter((l) => l.startsWith('{"t":"event"')).length;
    for (const f of [t.binary, t.jsonl]) {
      const r = runDriver(['--replay', f, ...extra]);
      expect(r.status, `${f}\n${r.stdout}${r.stderr}`).toBe(0);
      expect(r.stdout).toBe(`identical: ${events} events\n`);
    }
    if (args.includes('--fallback')) expect(text).toMatch(/"kind":"fuel"[\s\S]*"t":"swap"/);
    if (args.includes('--log')) expect(text).toContain('{"t":"log"');
  });

  it('writes whole blocks of at least 64 KiB but the last, and a failed run leaves no trace behind', () => {
    expect(good.blocks.length).toBeGreaterThan(2);
    for (const b of good.blocks.slice(0, -1)) expect(b.length).toBeGreaterThanOrEqual(1 << 16);
    const out = join(tmp, 'failed.hwtrace');
    const r = runDriver(['--workload', join(ROOT, 'examples/workloads/camera-isp-display.json'), '--policy', so('trap'), '--record', out]);
    expect(r.status).not.toBe(0);
    expect(readdirSync(tmp).filter((f) => f.startsWith('failed.hwtrace'))).toEqual([]);
    expect(existsSync(out)).toBe(false);
  });

  it('diverges on the same event and record index, with the same decoded lines, in both encodings', () => {
    const t = record(['--workload', join(ROOT, 'examples/workloads/software-render.json')]);
    const [bin, text] = [t.binary, t.jsonl].map((f) => runDriver(['--replay', f, '--policy', so('naive')]));
    expect(bin!.status).toBe(5);
    expect(bin!.stdout).toMatch(/^diverged at event \d+ \(line \d+\)\nexpected: \{"t":"answer".*\nactual: {3}\{"t":"answer"/);
    expect(bin!.stdout).toBe(text!.stdout);
  });

  it('a changed answer byte (CRCs fixed) is a divergence naming the event, not a refusal', () => {
    const img = new BinaryTraceImage(Buffer.from(good.bytes));
    const rec = img.records.find((x) => x.type === 4 && img.u32(x.payload + 4) > 0 && img.u32(x.payload + 4 + 48) === 3)!;
    img.bytes[rec.payload + 4 + 48 + 12] = 2;
    const r = runDriver(['--replay', damagedFile(img.withCrcs())]);
    expect(r.status, r.stderr).toBe(5);
    expect(r.stdout).toContain(`(line ${rec.index})`);
  });

  it('a changed log line (CRCs fixed) is a divergence showing both lines', () => {
    const t = record(['--workload', join(ROOT, 'test/c/fixtures/cma-fallback.json'), '--policy', so('default.debug'), '--log']);
    const img = new BinaryTraceImage(Buffer.from(readFileSync(t.binary)));
    const rec = img.records.find((x) => x.type === 8 && img.bytes.subarray(x.payload + 9, x.payload + 15).toString() === 'buffer')!;
    img.bytes.write('BUFFER', rec.payload + 9);
    const r = runDriver(['--replay', damagedFile(img.withCrcs()), '--policy', so('default.debug'), '--log']);
    expect(r.status, r.stderr).toBe(5);
    expect(r.stdout).toMatch(new RegExp(`^diverged at event \\d+ \\(line ${rec.index}\\)\nexpected: \\{"t":"log","i":\\d+,"fd":\\d,"text":"BUFFER.*\nactual: {3}\\{"t":"log".*"text":"buffer`));
  });

  it('a recorded fault the policy no longer makes is a divergence showing the fault line, as for JSON Lines', () => {
    const t = record(['--workload', join(ROOT, 'test/cross-host/workloads/fuel-meter.json'), '--policy', so('fuel-meter'), '--fuel', '3000', '--fallback', 'default']);
    // The header's budget raised (fuel then opCap in the header record; CRCs fixed): event 7 no longer runs out.
    const img = new BinaryTraceImage(Buffer.from(readFileSync(t.binary)));
    const header = img.records[0]!;
    const at = img.bytes.indexOf(Buffer.from([0xb8, 0x0b, 0, 0, 64, 0, 0, 0]), header.payload);
    expect(at).toBeGreaterThan(header.payload);
    img.bytes.writeUInt32LE(1_000_000, at);
    const jsonl = join(tmp, 'more-fuel.jsonl');
    writeFileSync(jsonl, readFileSync(t.jsonl, 'utf8').replace('"fuel":3000,', '"fuel":1000000,'));
    const [bin, text] = [damagedFile(img.withCrcs()), jsonl].map((f) => runDriver(['--replay', f, '--policy', so('fuel-meter')]));
    expect(bin!.status, bin!.stderr).toBe(5);
    expect(bin!.stdout).toMatch(/^diverged at event 7 \(line \d+\)\nexpected: \{"t":"fault","i":7,"kind":"fuel","message":".*"\}\nactual: {3}\{"t":"answer","i":7,/);
    expect(bin!.stdout).toBe(text!.stdout);
  });

  it("a difference no answer line shows (OutHeader.reserved0) is not a divergence", () => {
    const img = new BinaryTraceImage(Buffer.from(good.bytes));
    const rec = img.records.find((x) => x.type === 4)!;
    img.bytes.writeUInt32LE(7, rec.payload + 4 + 12);
    const r = runDriver(['--replay', damagedFile(img.withCrcs())]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
});

/** The good trace cut at the offset `at()` gives. */
const cut = (at: () => number) => () => good.bytes.subarray(0, at());
/** The good trace changed by `change`, every block's CRC-32 then recomputed (only the change is judged). */
const edited = (change: (img: BinaryTraceImage) => void) => () => {
  const img = new BinaryTraceImage(Buffer.from(good.bytes));
  change(img);
  return img.withCrcs();
};
/** The good trace with `change` applied to its raw bytes (CRCs as they were). */
const raw = (change: (b: Buffer) => Buffer | void) => () => {
  const b = Buffer.from(good.bytes);
  return change(b) ?? b;
};
const block = (k: number) => good.blocks[k]!;
const blockBytes = (k: number) => good.bytes.subarray(block(k).at, block(k).at + 8 + block(k).length);
const recordOf = (img: BinaryTraceImage, type: number, which: (r: { payload: number; length: number }) => boolean = () => true) =>
  img.records.find((r) => r.type === type && which(r))!;

describe('damaged binary traces are refused by the C host, exit 2', () => {
  const cases: [string, () => Buffer, RegExp][] = [
    ['truncated mid-block', cut(() => block(1).at + 100), /at byte \d+ \(record \d+\): truncated: block of \d+ bytes, the file ends 92 bytes into it/],
    ['truncated at a block boundary', cut(() => block(2).at), /at byte \d+ \(record \d+\): truncated: no end record after \d+ records/],
    ['truncated in a block header', cut(() => block(1).at + 5), /truncated: block header cut short/],
    ['the magic alone', cut(() => 10), /truncated: the format version is cut short/],
    ['corrupted (one bit)', raw((b) => { b[block(1).at + 500]! ^= 0x10; }), /at byte \d+ \(record \d+\): corrupted block: CRC-32 0x[0-9a-f]{8}, recorded 0x[0-9a-f]{8}/],
    ['blocks 1 and 2 swapped', () => Buffer.concat([good.bytes.subarray(0, block(1).at), blockBytes(2), blockBytes(1), good.bytes.subarray(block(3).at)]), /out of order|does not follow it/],
    ['an event index skipped', edited((img) => {
      const ev = img.records.filter((r) => r.type === 3)[5]!;
      img.bytes.writeUInt32LE(img.u32(ev.payload) + 1, ev.payload);
    }), /\(record \d+\): event record: event 6 out of order \(expected 5\)/],
    ['an unknown record type', edited((img) => { img.bytes[img.records[3]!.at] = 42; }), /\(record 4\): unknown record type 42/],
    ['an answer image whose counts do not match its length', edited((img) => {
      const rec = recordOf(img, 4);
      img.bytes.writeUInt32LE(img.u32(rec.payload + 4) + 1, rec.payload + 4);
    }), /answer record: answer image of \d+ bytes; its counts make \d+/],
    // attach, device_begin or device_end: the device index follows n, buf and op
    ['a device index outside the platform', edited((img) => {
      img.bytes.writeUInt32LE(99, recordOf(img, 2, (r) => [2, 3, 4].includes(img.bytes[r.payload + 8]!)).payload + 9);
    }), /call record: device index 99 outside the platform's \d+ devices/],
    // An ALLOC's result (ok, with its fd) turned into a failure: errno, then a code past the record.
    ['a field running past its record', edited((img) => { img.bytes[recordOf(img, 6, (r) => r.length === 13).payload + 8] = 0; }), /result record: code cut short/],
    ['future version', raw((b) => { b.writeUInt32LE(3, 8); }), /at byte 8: binary trace format version 3; this reader knows versions 1 and 2/],
    ['bytes after the end', raw((b) => Buffer.concat([b, Buffer.from([1, 2, 3])])), /bytes after the block holding the end record/],
    ['an absurd block length', raw((b) => { b.writeUInt32LE(0xfffffff0, block(1).at); }), /corrupted block length 4294967280 \(1 to 16777216\)/],
    ['a block length of 0', raw((b) => { b.writeUInt32LE(0, block(1).at); }), /corrupted block length 0/],
    ['not a trace', () => Buffer.from('HELLO, world'), /at byte 0: not a binary heapwise trace \(no HWTRACE magic\)/],
    ['neither encoding', () => Buffer.from('garbage'), /at byte 0: neither a JSON Lines trace/],
  ];

  it.each(cases)('%s', (_name, make, msg) => {
    const file = damagedFile(make());
    const r = runDriver(['--replay', file]);
    expect(r.status, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toMatch(msg);
    expect(r.stderr).toContain(file);
  });

  it('random truncations, bit flips and byte changes (CRCs fixed or not) never crash: exit 2, or 0/5 when the change is a real answer', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: good.bytes.length }), fc.integer({ min: 0, max: good.bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), fc.boolean(), (cut, at, xor, fixCrcs) => {
      const truncated = runDriver(['--replay', damagedFile(good.bytes.subarray(0, cut))]);
      expect(truncated.status, `cut at ${cut}: ${truncated.stderr}`).toBe(cut === good.bytes.length ? 0 : 2);
      const img = new BinaryTraceImage(Buffer.from(good.bytes));
      img.bytes[at]! ^= xor;
      const r = runDriver(['--replay', damagedFile(fixCrcs && at >= 12 ? img.withCrcs() : img.bytes)]);
      expect(r.signal, `xor ${xor} at ${at}`).toBeNull();
      if (!fixCrcs || at < 12) expect(r.status, `xor ${xor} at ${at}: ${r.stderr}`).toBe(2);
      else expect([0, 2, 5], `xor ${xor} at ${at}: ${r.stderr}`).toContain(r.status);
    }), { numRuns: 60 });
  });
});
