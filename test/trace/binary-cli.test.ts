// The command line with binary traces: simulate --record picks the encoding by name, trace dump
// prints the JSON Lines the same run records, replay takes either.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../host/engine/engine.js';
import { loadPlatformFile } from '../../host/platform/parse.js';
import { TraceFile } from '../../host/trace/file-sink.js';
import { TraceRecorder } from '../../host/trace/recorder.js';
import { heapwise } from '../support/cli.js';
import { policy } from '../support/modules.js';

const tmp = mkdtempSync(join(tmpdir(), 'hw-bin-cli-'));
const simulate = (file: string, workload = 'cma-exhaustion') => heapwise(['simulate', '--workload', `examples/workloads/${workload}.json`, '--record', file]);

describe('simulate --record and trace dump', () => {
  it('X.hwtrace is binary, X.jsonl and other names JSON Lines; dump(binary) is the JSON Lines of the same run', () => {
    for (const f of ['t.hwtrace', 't.jsonl', 't.trace']) expect(simulate(join(tmp, f)).code).toBe(0);
    expect(readFileSync(join(tmp, 't.hwtrace')).subarray(0, 8).toString('latin1')).toBe('HWTRACE\0');
    const jsonl = readFileSync(join(tmp, 't.jsonl'), 'utf8');
    expect(readFileSync(join(tmp, 't.trace'), 'utf8')).toBe(jsonl);
    const d = heapwise(['trace', 'dump', join(tmp, 't.hwtrace')]);
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toBe(jsonl);
    expect(heapwise(['replay', join(tmp, 't.hwtrace')])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^identical: \d+ events/) });
  });

  it('a recording that is abandoned leaves no file; a committed one is complete', async () => {
    const dir = mkdtempSync(join(tmp, 'atomic-'));
    const mod = await policy('default');
    for (const keep of [false, true]) {
      const file = new TraceFile(join(dir, 'a.hwtrace'));
      const engine = Engine.create(mod, loadPlatformFile('examples/platforms/rpi4.json'));
      const rec = new TraceRecorder(file.encoder()).attach(engine, 'node');
      engine.free(engine.allocate({ size: 1 << 20, devices: ['isp'], name: 'f' }));
      if (!keep) { file.abort(); continue; }
      rec.finish();
      file.commit();
    }
    expect(readdirSync(dir)).toEqual(['a.hwtrace']);
    const d = heapwise(['trace', 'dump', join(dir, 'a.hwtrace')]);
    expect(d.stdout).toMatch(/^\{"t":"header"[^\n]*\n\{"t":"call","n":0,"op":"alloc"[\s\S]*\{"t":"end","calls":2,"events":2\}\n$/);
  });
});
