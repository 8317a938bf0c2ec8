// TraceRecorder misuse is a UsageError, as HW_ERR_USAGE in the C library: a trace must start
// before the engine's first call (call numbers start at 0, or the trace cannot be replayed),
// and it ends once (a second end record would be "bytes after end").
import { describe, it, expect } from 'vitest';
import { Engine } from '../../host/engine/engine.js';
import { UsageError } from '../../host/errors.js';
import { loadPlatformFile } from '../../host/platform/parse.js';
import { BinaryEncoder } from '../../host/trace/binary-encoder.js';
import { TraceRecorder } from '../../host/trace/recorder.js';
import { policy } from '../support/modules.js';

const engine = async () => Engine.create(await policy('default'), loadPlatformFile('examples/platforms/rpi4.json'));

describe('TraceRecorder.attach', () => {
  it('refuses an engine that has served calls, writing nothing', async () => {
    const e = await engine();
    e.free(e.allocate({ size: 1 << 20, devices: ['isp'] }));
    const lines: string[] = [];
    const attach = () => new TraceRecorder((l) => lines.push(l)).attach(e, 'node');
    expect(attach).toThrow(UsageError);
    expect(attach).toThrow('a trace starts on an engine that has not served a call yet (2 calls so far)');
    expect(lines).toEqual([]);
    e.dispose();
  });

  it('refuses after a single call, even one that placed nothing yet (deferred)', async () => {
    const e = await engine();
    e.allocate({ size: 1 << 20, devices: ['isp'], deferred: true });
    expect(e.events).toBe(0);
    expect(() => new TraceRecorder(() => {}).attach(e, 'node')).toThrow('(1 calls so far)');
    e.dispose();
  });

  it('accepts a fresh engine, twice over with two recorders, but one recorder records one engine', async () => {
    const e = await engine();
    const a = new TraceRecorder(() => {}).attach(e, 'node');
    new TraceRecorder(() => {}).attach(e, 'node').finish();
    expect(() => a.attach(e, 'node')).toThrow(UsageError);
    a.finish();
    e.dispose();
  });
});

describe('TraceRecorder.finish', () => {
  it('writes one end record; finishing again is a UsageError and writes nothing', async () => {
    const e = await engine();
    const lines: string[] = [];
    const rec = new TraceRecorder((l) => lines.push(l)).attach(e, 'node');
    e.free(e.allocate({ size: 1 << 20, devices: ['isp'] }));
    rec.finish();
    const n = lines.length;
    expect(() => rec.finish()).toThrow(UsageError);
    expect(() => rec.finish()).toThrow('the trace is already finished (finish called twice)');
    expect(lines.length).toBe(n);
    expect(lines.filter((l) => l.startsWith('{"t":"end"'))).toEqual(['{"t":"end","calls":2,"events":2}']);
    e.dispose();
  });

  it('binary: one end record, nothing after it', async () => {
    const e = await engine();
    const chunks: Uint8Array[] = [];
    const rec = new TraceRecorder(new BinaryEncoder((c) => chunks.push(c.slice()))).attach(e, 'node');
    rec.finish();
    const size = chunks.reduce((s, c) => s + c.length, 0);
    expect(() => rec.finish()).toThrow(UsageError);
    expect(chunks.reduce((s, c) => s + c.length, 0)).toBe(size);
    e.dispose();
  });

  it('before attach is a UsageError', () => {
    expect(() => new TraceRecorder(() => {}).finish()).toThrow('the trace recorder was never attached to an engine');
  });
});

describe('two recorders on one engine (the engine fans its tap out)', () => {
  it('finishing one mid-session leaves the other recording every record; the first stops at its end', async () => {
    const session = (e: Engine) => {
      const b = e.allocate({ size: 1 << 20, devices: ['isp', 'hvs'], cpu: 'read', name: 'f' });
      e.deviceBegin(b, 'isp', 'write');
      e.deviceEnd(b, 'isp');
      return b;
    };
    const rest = (e: Engine, b: ReturnType<Engine['allocate']>) => {
      e.cpuBegin(b, 'read');
      e.cpuEnd(b);
      e.free(b);
    };
    // Alone: the reference trace.
    const alone: string[] = [];
    const e0 = await engine();
    const r0 = new TraceRecorder((l) => alone.push(l)).attach(e0, 'node');
    rest(e0, session(e0));
    r0.finish();
    e0.dispose();

    const first: string[] = [];
    const second: string[] = [];
    const e = await engine();
    const a = new TraceRecorder((l) => first.push(l)).attach(e, 'node');
    const b = new TraceRecorder((l) => second.push(l)).attach(e, 'node');
    const buf = session(e);
    a.finish();
    const atFinish = first.length;
    rest(e, buf);
    b.finish();
    e.dispose();
    expect(second).toEqual(alone);
    expect(first.length).toBe(atFinish);
    expect(first.slice(0, -1)).toEqual(alone.slice(0, atFinish - 1));
    expect(first.at(-1)).toMatch(/^\{"t":"end","calls":3,"events":3\}$/);
    // Calls still reach observers with their names (the tap does not replace onCall).
    const calls: string[] = [];
    const e2 = await engine();
    e2.observe({ onCall: (c) => calls.push(`${c.n} ${c.op} ${c.device ?? '-'} ${c.access ?? '-'}`) });
    rest(e2, session(e2));
    e2.dispose();
    expect(calls).toEqual(['0 alloc - -', '1 device_begin isp write', '2 device_end isp -', '3 cpu_begin - read', '4 cpu_end - -', '5 free - -']);
  });
});
