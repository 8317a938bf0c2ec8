/// <reference lib="deno.ns" />
// The Deno host misused as the C library refuses it (HW_ERR_USAGE): a trace that starts after
// the engine's first call, a second finish (two end records: "bytes after end"), any engine
// call after dispose. And a trace file on a device is written in place, never renamed over.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { Engine, HOST, loadPolicyFile, loadPlatformFile, TraceFile, TraceRecorder, UsageError } from '../../bindings/deno/mod.ts';
import { at, ensurePolicies } from './checkout.ts';

await ensurePolicies();

const policy = await loadPolicyFile('default');
const engine = (): Engine => Engine.create(policy, loadPlatformFile(at('examples/platforms/rpi4.json')));

Deno.test('finish twice: one end record, then UsageError', () => {
  const e = engine();
  const lines: string[] = [];
  const rec = new TraceRecorder((l) => lines.push(l)).attach(e, HOST);
  e.free(e.allocate({ size: 1 << 20, devices: ['isp'] }));
  rec.finish();
  assert.throws(() => rec.finish(), (err: unknown) => err instanceof UsageError && /already finished/.test((err as Error).message));
  assert.deepEqual(lines.filter((l) => l.startsWith('{"t":"end"')), ['{"t":"end","calls":2,"events":2}']);
  assert.ok(lines.at(-1)!.startsWith('{"t":"end"'));
  e.dispose();
});

Deno.test('a trace cannot start on an engine that has served calls', () => {
  const e = engine();
  e.free(e.allocate({ size: 1 << 20, devices: ['isp'] }));
  assert.throws(() => new TraceRecorder(() => {}).attach(e, HOST), (err: unknown) =>
    err instanceof UsageError && (err as Error).message === 'a trace starts on an engine that has not served a call yet (2 calls so far)');
  e.dispose();
});

Deno.test('every engine call after dispose is UsageError "engine disposed"; dispose again is fine', () => {
  const e = engine();
  const b = e.allocate({ size: 1 << 20, devices: ['isp'], cpu: 'read' });
  e.dispose();
  for (const call of [() => e.allocate({ size: 4096, devices: ['isp'] }), () => e.cpuAccess(b, 'read'), () => e.free(b), () => e.place(b)]) {
    assert.throws(call, (err: unknown) => err instanceof UsageError && (err as Error).message === 'engine disposed');
  }
  e.dispose();
});

Deno.test('a trace recorded to /dev/null leaves it a character device', () => {
  const before = statSync('/dev/null');
  const file = new TraceFile('/dev/null');
  assert.equal(file.direct, true);
  const e = engine();
  const rec = new TraceRecorder(file.encoder()).attach(e, HOST);
  e.free(e.allocate({ size: 1 << 20, devices: ['isp'] }));
  rec.finish();
  file.commit();
  file.commit();
  e.dispose();
  const after = statSync('/dev/null');
  assert.ok(after.isCharacterDevice());
  assert.equal(after.ino, before.ino);
});
