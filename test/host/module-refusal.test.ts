// The loader refuses what it must, naming the import, export, limit or version at fault; a
// module that faults during a decision never crashes the host.
import { describe, it, expect } from 'vitest';
import { PolicyModule } from '../../host/module/policy-module.js';
import { Engine } from '../../host/engine/engine.js';
import { PolicyRefusedError, PolicyFaultError } from '../../host/errors.js';
import { policy, wat } from '../support/modules.js';
import { platform, SOC } from '../support/platforms.js';

/** A minimal module in WAT with the given ABI version, imports, memory and extra text. */
function module(opts: { abi?: number; imports?: string; memory?: string; omit?: string; extra?: string; eventBody?: string } = {}): Uint8Array {
  const exp = (name: string, body: string) => (opts.omit === name ? '' : body);
  return wat(`(module
    ${opts.imports ?? '(import "env" "abort" (func $abort (param i32 i32 i32 i32)))'}
    (memory (export "memory") ${opts.memory ?? '4 16'})
    (data (i32.const 1024) "\\07\\00\\00\\00tiny-ok")
    (data (i32.const 1040) "\\05\\00\\00\\001.0.0")
    ${exp('hw_abi_version', `(func (export "hw_abi_version") (result i32) i32.const ${opts.abi ?? 0x10000})`)}
    ${exp('hw_policy_name', '(func (export "hw_policy_name") (result i32) i32.const 1024)')}
    ${exp('hw_policy_version', '(func (export "hw_policy_version") (result i32) i32.const 1040)')}
    ${exp('hw_input', '(func (export "hw_input") (result i32) i32.const 65536)')}
    ${exp('hw_output', '(func (export "hw_output") (result i32) i32.const 131072)')}
    ${exp('hw_init', '(func (export "hw_init") (param i32) (result i32) i32.const 0)')}
    ${exp('hw_event', `(func (export "hw_event") (param i32) (result i32) ${opts.eventBody ?? 'i32.const 0'})`)}
    ${opts.extra ?? ''})`);
}

const refused = async (bytes: Uint8Array, pattern: RegExp) => {
  const err = await PolicyModule.compile(bytes, { label: 'm.wasm' }).then((m) => Engine.create(m, platform(SOC))).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(PolicyRefusedError);
  expect((err as Error).message).toMatch(/^policy module m\.wasm refused: /);
  expect((err as Error).message).toMatch(pattern);
};

describe('module refusal', () => {
  it('accepts the minimal well-formed module', async () => {
    const e = Engine.create(await PolicyModule.compile(module(), { label: 'm.wasm' }), platform(SOC));
    expect(e.policy.name).toBe('tiny-ok');
  });

  it.each([
    ['a WASI clock', '(import "wasi_snapshot_preview1" "clock_time_get" (func (param i32 i64 i32) (result i32)))', /forbidden import wasi_snapshot_preview1\.clock_time_get/],
    ['WASI random', '(import "wasi_snapshot_preview1" "random_get" (func (param i32 i32) (result i32)))', /forbidden import wasi_snapshot_preview1\.random_get/],
    ['env.seed (Math.random)', '(import "env" "seed" (func (result f64)))', /forbidden import env\.seed/],
    ['env.Date.now', '(import "env" "Date.now" (func (result f64)))', /forbidden import env\.Date\.now/],
    ['an imported memory', '(import "env" "memory" (memory 1))', /forbidden import env\.memory/],
    ['env.abort with the wrong signature', '(import "env" "abort" (func (param i32)))', /import env\.abort has signature \(i32\) -> \(\)/],
  ])('refuses %s, naming the import', async (_what, imports, pattern) => {
    await refused(module({ imports }), pattern);
  });

  it('refuses a module whose ABI major the host does not speak, naming both versions', async () => {
    await refused(module({ abi: 0x20003 }), /speaks policy ABI 2\.3; this host speaks ABI 1\.0/);
  });

  it.each(['hw_event', 'hw_init', 'hw_abi_version', 'hw_output'])('refuses a module missing export %s', async (name) => {
    await refused(module({ omit: name }), new RegExp(`missing export ${name}`));
  });

  it('refuses an export with the wrong signature', async () => {
    const bytes = module({ omit: 'hw_event', extra: '(func (export "hw_event") (param i64) (result i32) i32.const 0)' });
    await refused(bytes, /export hw_event has signature \(i64\) -> \(i32\), expected \(i32\) -> \(i32\)/);
  });

  it('refuses memory without a maximum, and above the host cap', async () => {
    await refused(module({ memory: '4' }), /declares no maximum/);
    await refused(module({ memory: '4 257' }), /memory maximum 16842752 bytes \(257 pages\) exceeds the host cap of 16777216 bytes/);
    const small = await PolicyModule.compile(module({ memory: '4 16' }), { label: 'm.wasm', memoryCapBytes: 16 * 65536 });
    expect(small.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses floating point in a decision', async () => {
    await refused(module({ extra: '(func $f (param f64) (result f64) local.get 0)' }), /floating point/);
  });

  it('refuses regions outside memory and non-semver versions', async () => {
    await refused(module({ omit: 'hw_input', extra: '(func (export "hw_input") (result i32) i32.const 250000)' }), /hw_input\(\) region \[250000, 315536\) is outside memory/);
    await refused(wat(`(module (import "env" "abort" (func (param i32 i32 i32 i32))) (memory (export "memory") 4 16)
      (data (i32.const 1024) "\\01\\00\\00\\00x") (data (i32.const 1040) "\\03\\00\\00\\00one")
      (func (export "hw_abi_version") (result i32) i32.const 0x10000) (func (export "hw_policy_name") (result i32) i32.const 1024)
      (func (export "hw_policy_version") (result i32) i32.const 1040) (func (export "hw_input") (result i32) i32.const 65536)
      (func (export "hw_output") (result i32) i32.const 131072) (func (export "hw_init") (param i32) (result i32) i32.const 0)
      (func (export "hw_event") (param i32) (result i32) i32.const 0))`), /"one" is not a semver/);
  });

  it('refuses bytes that are not WebAssembly', async () => {
    await refused(new TextEncoder().encode('#!/bin/sh\necho hi\n'), /not a WebAssembly module/);
    const trunc = (await policy('default')).bytes.slice(0, 300);
    await refused(trunc, /malformed module|invalid WebAssembly/);
  });

  it('refuses a u32 LEB128 longer than five bytes (a section size padded to six)', async () => {
    const m = module();
    // Header (8 bytes), then the type section: id 1 and its size; re-encode the size in six bytes.
    const size = m[9]!;
    expect(m[8]).toBe(1);
    expect(size & 0x80).toBe(0);
    const padded = Uint8Array.from([...m.subarray(0, 9), size | 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, ...m.subarray(10)]);
    await refused(padded, /LEB128 integer too long|malformed|invalid WebAssembly/);
    // Five bytes is the spec's limit and still well-formed.
    const five = Uint8Array.from([...m.subarray(0, 9), size | 0x80, 0x80, 0x80, 0x80, 0x00, ...m.subarray(10)]);
    await expect(PolicyModule.compile(five, { label: 'm.wasm' })).resolves.toBeDefined();
  });
});

describe('faults during a decision', () => {
  it('a trap is a PolicyFaultError naming the module; the host survives', async () => {
    const e = Engine.create(await policy('trap'), platform(SOC));
    expect(() => e.allocate({ size: 12345, devices: ['isp'], cpu: 'none' })).toThrow(PolicyFaultError);
    try { e.allocate({ size: 12345, devices: ['isp'], cpu: 'none' }); } catch (err) {
      expect((err as Error).message).toMatch(/policy module trap: .*(unusable|trapped)/);
    }
  });

  it('abort() carries the message and location', async () => {
    const e = Engine.create(await policy('abort'), platform(SOC));
    let err: unknown;
    try { e.allocate({ size: 12345, devices: ['isp'], cpu: 'none' }); } catch (x) { err = x; }
    expect(err).toBeInstanceOf(PolicyFaultError);
    expect((err as PolicyFaultError).kind).toBe('abort');
    expect((err as Error).message).toContain('refusing odd sizes at policy.ts:7:3');
  });

  it('a module answering with a nonzero status is a fault', async () => {
    const e = Engine.create(await PolicyModule.compile(module({ eventBody: 'i32.const -3' }), { label: 'm.wasm' }), platform(SOC));
    expect(() => e.allocate({ size: 4096, devices: ['isp'], cpu: 'none' })).toThrow(/hw_event returned status -3/);
  });

  it('garbage in the output region (no ops for PLACE) is refused', async () => {
    const e = Engine.create(await PolicyModule.compile(module(), { label: 'm.wasm' }), platform(SOC));
    expect(() => e.allocate({ size: 4096, devices: ['isp'], cpu: 'none' })).toThrow(/answered PLACE of buffer 1 with no ALLOC and no FAIL/);
  });
});

describe('invalid operations are never executed', () => {
  it.each([
    ['bad-heap', /unknown heap index \(platform has 4\)/],
    ['bad-size', /differs from the request's rounded size 4096/],
  ])('%s', async (name, pattern) => {
    const e = Engine.create(await policy(name), platform(SOC));
    expect(() => e.allocate({ size: 100, devices: ['isp'], cpu: 'read' })).toThrow(pattern);
    expect((e.backend as unknown as { openFds(): number }).openFds()).toBe(0);
  });

  it.each([
    ['other-buffer', /not the buffer in question \(1\)/],
    ['too-many-ops', /asked for 200 operations in one answer; the cap is 64/],
  ])('%s', async (name, pattern) => {
    const e = Engine.create(await policy(name), platform(SOC));
    const b = e.allocate({ size: 100, devices: ['isp'], cpu: 'read' });
    let syncs = 0;
    e.observe({ onResult: () => { syncs++; } });
    expect(() => e.cpuBegin(b, 'read')).toThrow(pattern);
    expect(syncs).toBe(0);
  });
});
