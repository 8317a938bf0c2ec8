// Output files (traces, reports, platform skeletons) never replace what is not a regular file:
// a FIFO or a character device is written in place, a directory refused before any work, a
// regular or missing file written through a temporary renamed into place.
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import {
  closeSync, constants, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, readSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../host/engine/engine.js';
import { InputError, UsageError } from '../../host/errors.js';
import { loadPlatformFile } from '../../host/platform/parse.js';
import { writePlatformSkeleton } from '../../host/probe/write-platform.js';
import type { ProbeResult } from '../../host/probe/probe.js';
import { writeReportFile } from '../../host/report/write-file.js';
import { TraceFile } from '../../host/trace/file-sink.js';
import { TraceRecorder } from '../../host/trace/recorder.js';
import { heapwise } from '../support/cli.js';
import { policy } from '../support/modules.js';

const tmp = mkdtempSync(join(tmpdir(), 'hw-output-'));
const oneHeap: ProbeResult = { devDir: '/dev', heapDirPresent: true, heaps: [{ name: 'system', path: '/dev/dma_heap/system', kind: 'system', access: 'ok' }], udmabuf: null, cma: [] };
const noHeap: ProbeResult = { devDir: '/dev', heapDirPresent: false, heaps: [], udmabuf: null, cma: [] };

/** Records a two-call session into `file` (JSON Lines) and commits it. */
async function recordInto(file: TraceFile): Promise<void> {
  const engine = Engine.create(await policy('default'), loadPlatformFile('examples/platforms/rpi4.json'));
  const rec = new TraceRecorder(file.encoder()).attach(engine, 'node');
  engine.free(engine.allocate({ size: 1 << 20, devices: ['isp'], name: 'f' }));
  rec.finish();
  file.commit();
  engine.dispose();
}

/** Everything a non-blocking reader of a FIFO can read now. */
function drain(fd: number): string {
  const parts: Buffer[] = [];
  const buf = Buffer.alloc(1 << 16);
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') break;
      throw e;
    }
    if (n === 0) break;
    parts.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(parts).toString('utf8');
}

function noTemporaries(dir: string): void {
  expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]);
}

describe('a FIFO as output', () => {
  const fifoIn = (name: string) => {
    const dir = mkdtempSync(join(tmp, 'fifo-'));
    const fifo = join(dir, name);
    execFileSync('mkfifo', [fifo]);
    // The reader first (non-blocking), so opening the FIFO for writing does not wait.
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    return { dir, fifo, reader };
  };

  it('a trace streams into it: no temporary, no rename, still a FIFO', async () => {
    const { dir, fifo, reader } = fifoIn('t.jsonl');
    try {
      const file = new TraceFile(fifo);
      expect(file.direct).toBe(true);
      await recordInto(file);
      const text = drain(reader);
      expect(text).toMatch(/^\{"t":"header"[^\n]*\n\{"t":"call","n":0,"op":"alloc"[\s\S]*\{"t":"end","calls":2,"events":2\}\n$/);
    } finally {
      closeSync(reader);
    }
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(dir)).toEqual(['t.jsonl']);
  });

  it('a report and a platform skeleton are written into it too', () => {
    const { dir, fifo, reader } = fifoIn('out');
    try {
      writeReportFile(fifo, '<!doctype html>x');
      expect(drain(reader)).toBe('<!doctype html>x');
      writePlatformSkeleton(oneHeap, fifo, 'box');
      expect(JSON.parse(drain(reader))).toEqual({ name: 'box', heaps: [{ name: 'system', kind: 'system' }], devices: [] });
    } finally {
      closeSync(reader);
    }
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(dir)).toEqual(['out']);
  });

  it('an abandoned trace leaves the FIFO in place', () => {
    const { fifo, reader } = fifoIn('a.jsonl');
    try {
      const file = new TraceFile(fifo);
      file.line('{"t":"partial"}');
      file.abort();
    } finally {
      closeSync(reader);
    }
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });
});

describe('/dev/null as output', () => {
  it('stays a character device after a trace, a report and a platform skeleton', async () => {
    const before = statSync('/dev/null');
    expect(before.isCharacterDevice()).toBe(true);
    const file = new TraceFile('/dev/null');
    expect(file.direct).toBe(true);
    await recordInto(file);
    writeReportFile('/dev/null', '<!doctype html>x');
    writePlatformSkeleton(oneHeap, '/dev/null', 'box');
    const after = lstatSync('/dev/null');
    expect(after.isCharacterDevice()).toBe(true);
    expect(after.ino).toBe(before.ino);
    expect(after.rdev).toBe(before.rdev);
    expect(readdirSync('/dev').filter((n) => n.startsWith('null.tmp-'))).toEqual([]);
  });
});

describe('a directory as output', () => {
  const dir = join(tmp, 'a-dir');
  mkdirSync(dir);

  it('is refused at once, naming the path', () => {
    for (const write of [() => new TraceFile(dir), () => writeReportFile(dir, 'x'), () => writePlatformSkeleton(oneHeap, dir)]) {
      expect(write).toThrow(InputError);
      expect(write).toThrow(`${dir}: is a directory`);
    }
    // Before any work: even the "no heap to describe" refusal comes second.
    expect(() => writePlatformSkeleton(noHeap, dir)).toThrow(`${dir}: is a directory`);
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
    noTemporaries(tmp);
  });
});

describe('a regular file as output', () => {
  it('is replaced whole through a temporary; a link to it stays a link', async () => {
    const dir = mkdtempSync(join(tmp, 'reg-'));
    const target = join(dir, 'real.jsonl');
    const link = join(dir, 'link.jsonl');
    writeFileSync(target, 'old\n');
    symlinkSync('real.jsonl', link);
    const file = new TraceFile(link);
    expect(file.direct).toBe(false);
    await recordInto(file);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe('real.jsonl');
    expect(readFileSync(target, 'utf8')).toMatch(/^\{"t":"header"[\s\S]*\{"t":"end","calls":2,"events":2\}\n$/);
    noTemporaries(dir);
  });
});

describe('TraceFile commit and abort', () => {
  it('are safe to repeat, and an abort after commit keeps the trace', async () => {
    const dir = mkdtempSync(join(tmp, 'twice-'));
    const path = join(dir, 't.jsonl');
    const file = new TraceFile(path);
    await recordInto(file);
    const text = readFileSync(path, 'utf8');
    file.commit();
    file.abort();
    file.abort();
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(() => file.line('{"t":"late"}')).toThrow(UsageError);
    expect(() => file.bytes(new Uint8Array(1))).toThrow(UsageError);
    expect(readdirSync(dir)).toEqual(['t.jsonl']);
  });

  it('commit after abort writes nothing', () => {
    const dir = mkdtempSync(join(tmp, 'aborted-'));
    const file = new TraceFile(join(dir, 't.jsonl'));
    file.line('{"t":"partial"}');
    file.abort();
    file.commit();
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('heapwise simulate with a special or directory output', () => {
  const sim = (extra: string[]) => heapwise(['simulate', '--workload', 'examples/workloads/cma-exhaustion.json', ...extra]);

  it('--record /dev/stdout streams the trace to standard output', () => {
    const r = sim(['--record', '/dev/stdout']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\{"t":"header"[^\n]*\n[\s\S]*\{"t":"end","calls":\d+,"events":\d+\}\n/);
    expect(readdirSync('/dev').filter((n) => n.startsWith('stdout.tmp-'))).toEqual([]);
  });

  it('--record and --report name a directory: exit 2, "is a directory"', () => {
    const dir = mkdtempSync(join(tmp, 'cli-dir-'));
    for (const flag of ['--record', '--report']) {
      const r = sim([flag, dir]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${dir}: is a directory`);
      expect(readdirSync(dir)).toEqual([]);
    }
  });
});
