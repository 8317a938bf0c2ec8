// The Node and C hosts read a damaged trace the same way: both refuse it (exit 2) at the same
// line, or both replay it to the same verdict (identical, or divergent at the same line).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { HeapwiseError } from '../../host/errors.js';
import { loadPolicyFile } from '../../host/module/load-file.js';
import type { PolicyModule } from '../../host/module/policy-module.js';
import { replay } from '../../host/trace/replay.js';
import { BinaryTraceImage } from '../trace/binary-image.js';
import { buildC, ROOT, runDriver } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'heapwise-trace-parity-'));
let n = 0;
let jsonl = '';
let binary: BinaryTraceImage;
let policy: PolicyModule;
beforeAll(async () => {
  buildC();
  policy = await loadPolicyFile('default');
  for (const ext of ['jsonl', 'hwtrace']) {
    const r = runDriver(['--workload', join(ROOT, 'examples/workloads/camera-isp-display.json'), '--record', join(tmp, `camera.${ext}`)]);
    expect(r.status, r.stderr).toBe(0);
  }
  jsonl = readFileSync(join(tmp, 'camera.jsonl'), 'utf8');
  binary = BinaryTraceImage.read(join(tmp, 'camera.hwtrace'));
}, 600_000);

// PARITY_RUNS=400 for a deeper run by hand.
const RUNS = Number(process.env.PARITY_RUNS ?? 60);

async function node(f: string): Promise<{ status: number; out: string }> {
  try {
    // The C driver replays with the policy it is given, its built-in default without one: Node
    // is given the same (without it, Node looks the recorded module up by sha256).
    const r = await replay(f, { policy });
    return r.identical ? { status: 0, out: `identical: ${r.events} events` } : { status: 5, out: `diverged at event ${r.divergence!.event} (line ${r.divergence!.line})` };
  } catch (e) {
    if (!(e instanceof HeapwiseError)) throw e;
    return { status: e.exitCode, out: e.message };
  }
}

/** Whether two refusals point at the same place: the record, else the byte, else the line
 * (the hosts word a location differently: "at byte 20 (record 1) platform", "at record 1"). */
function samePlace(a: string, b: string): boolean {
  for (const what of ['record', 'byte', 'line']) {
    const re = new RegExp(`\\b${what} (\\d+)`);
    const x = re.exec(a)?.[1], y = re.exec(b)?.[1];
    if (x !== undefined && y !== undefined) return x === y;
  }
  return a.replace(/^heapwise-c: /, '').trimEnd() === b.trimEnd();
}

/** Replays `f` in both hosts: the same exit code, and the same place named. */
async function agree(f: string, what: string): Promise<void> {
  const want = await node(f);
  const r = runDriver(['--replay', f]);
  const label = `${what}: Node ${want.status} ${want.out.slice(0, 300)}; C ${r.status} ${(r.stdout + r.stderr).slice(0, 300)}`;
  expect(r.status, label).toBe(want.status);
  if (want.status === 2) expect(samePlace(r.stderr, want.out), label).toBe(true);
  if (want.status === 5) expect(r.stdout.split('\n')[0], label).toBe(want.out);
  if (want.status === 0) expect(r.stdout.split('\n')[0], label).toBe(want.out);
}

describe('Node and C agree on damaged traces', () => {
  it('cut, a byte changed, a line dropped, duplicated or two swapped', async () => {
    const lines = jsonl.split('\n');
    await fc.assert(fc.asyncProperty(
      fc.oneof(
        fc.record({ cut: fc.integer({ min: 0, max: jsonl.length - 1 }) }),
        fc.record({ at: fc.integer({ min: 0, max: jsonl.length - 1 }), ch: fc.integer({ min: 32, max: 126 }) }),
        fc.record({ drop: fc.integer({ min: 0, max: lines.length - 2 }) }),
        fc.record({ dup: fc.integer({ min: 0, max: lines.length - 2 }) }),
        fc.record({ swap: fc.integer({ min: 0, max: lines.length - 3 }) }),
        // A byte that is not UTF-8 where it stands (both hosts read lines as strict UTF-8).
        fc.record({ at: fc.integer({ min: 0, max: jsonl.length - 1 }), byte: fc.integer({ min: 0x80, max: 0xff }) }),
      ),
      async (d) => {
        let text = jsonl;
        if ('cut' in d) text = jsonl.slice(0, d.cut);
        if ('ch' in d) text = jsonl.slice(0, d.at) + String.fromCharCode(d.ch) + jsonl.slice(d.at + 1);
        if ('drop' in d) text = lines.filter((_, i) => i !== d.drop).join('\n');
        if ('dup' in d) text = lines.flatMap((l, i) => (i === d.dup ? [l, l] : [l])).join('\n');
        if ('swap' in d) { const l = [...lines]; [l[d.swap], l[d.swap + 1]] = [l[d.swap + 1]!, l[d.swap]!]; text = l.join('\n'); }
        const f = join(tmp, `t${n++}.jsonl`);
        if ('byte' in d) {
          const b = Buffer.from(jsonl);
          b[d.at] = d.byte;
          writeFileSync(f, b);
        } else {
          writeFileSync(f, text);
        }
        await agree(f, JSON.stringify(d));
      },
    ), { numRuns: RUNS });
  }, 600_000);

  it('a string that is not UTF-8 is damage at its line or record in both hosts (the platform text, a name)', async () => {
    const bytes = binary.bytes;
    for (const needle of ['"description":"', '"name":"']) {
      const at = bytes.indexOf(Buffer.from(needle)) + needle.length + 2;
      const img = new BinaryTraceImage(Buffer.from(bytes));
      img.bytes[at]! ^= 0x80;
      const f = join(tmp, `t${n++}.hwtrace`);
      writeFileSync(f, img.withCrcs());
      await agree(f, `xor 0x80 at ${at}, CRCs fixed`);
      expect((await node(f)).out).toMatch(/\(record 1\): header record: platform is not UTF-8$/);
      const l = Buffer.from(jsonl);
      const k = l.indexOf(Buffer.from(needle)) + needle.length + 2;
      l[k] = 0xc3; // a lead byte without its continuation
      const g = join(tmp, `t${n++}.jsonl`);
      writeFileSync(g, l);
      await agree(g, `0xc3 at ${k}`);
      expect((await node(g)).out).toBe(`${g} at line 1: not UTF-8`);
    }
  });

  it('a JSON Lines trace with CRLF line ends (a Windows checkout, a mail) replays identically in both', async () => {
    const f = join(tmp, `t${n++}.jsonl`);
    writeFileSync(f, jsonl.replace(/\n/g, '\r\n'));
    await agree(f, 'CRLF');
    expect((await node(f)).out).toMatch(/^identical: \d+ events$/);
  });

  it('binary: cut, a byte changed with the CRCs fixed or not', async () => {
    const bytes = binary.bytes;
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 0, max: bytes.length }), fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), fc.boolean(),
      async (cut, at, xor, fixCrcs) => {
        const f = join(tmp, `t${n++}.hwtrace`);
        writeFileSync(f, bytes.subarray(0, cut));
        await agree(f, `cut at ${cut}`);
        const img = new BinaryTraceImage(Buffer.from(bytes));
        img.bytes[at]! ^= xor;
        const g = join(tmp, `t${n++}.hwtrace`);
        writeFileSync(g, fixCrcs && at >= 12 ? img.withCrcs() : img.bytes);
        await agree(g, `xor ${xor} at ${at}, CRCs ${fixCrcs ? 'fixed' : 'kept'}`);
      },
    ), { numRuns: RUNS });
  }, 600_000);
});
