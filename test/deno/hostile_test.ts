/// <reference lib="deno.ns" />
// The hostile-module corpus (test/hostile/*.wat) in the Deno host: each module is contained as
// test/hostile/expectations.json says (the Node and C hosts run the same file): refused at load
// with the message, or faulted during the first decision with the right kind, after which the
// engine keeps serving on the fallback policy, with no fd leak.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { Engine, ModelBackend, PolicyModule, PolicyRefusedError, PolicyFaultError, parsePlatform } from '../../bindings/deno/mod.ts';

const DIR = new URL('../hostile/', import.meta.url).pathname;
const expectations = JSON.parse(readFileSync(`${DIR}expectations.json`, 'utf8')) as Record<string, { phase: string; fault?: string; message: string; afterPlace?: boolean }>;
const PLATFORM = parsePlatform({ name: 'hostile', heaps: [{ name: 'system' }, { name: 'reserved', size: 1 << 26 }], devices: [{ name: 'gpu', dmaMaskBits: 40, iommu: true, coherent: false }] });
const fallback = await PolicyModule.compile(readFileSync(new URL('../../policies/default/build/default.wasm', import.meta.url).pathname), { label: 'default' });

/** wat2wasm from Debian's wabt, the assembler the C host's corpus test uses too. */
async function assemble(file: string): Promise<Uint8Array> {
  const out = await Deno.makeTempFile({ suffix: '.wasm' });
  const r = await new Deno.Command('wat2wasm', { args: [file, '-o', out] }).output();
  if (!r.success) throw new Error(`wat2wasm ${file}: ${new TextDecoder().decode(r.stderr)}`);
  const bytes = await Deno.readFile(out);
  await Deno.remove(out);
  return bytes;
}

for (const file of readdirSync(DIR).filter((f) => f.endsWith('.wat')).sort()) {
  const name = file.replace(/\.wat$/, '');
  Deno.test(`hostile corpus under Deno: ${name} is contained`, async () => {
    const exp = expectations[name];
    assert.ok(exp, `no expectation for ${file}`);
    const bytes = await assemble(`${DIR}${file}`);
    const label = `test/hostile/${file}`;
    if (exp.phase === 'load') {
      let err: unknown = null;
      try {
        Engine.create(await PolicyModule.compile(bytes, { label }), PLATFORM);
      } catch (e) {
        err = e;
      }
      assert.ok(err instanceof PolicyRefusedError, `expected a refusal, got ${String(err)}`);
      assert.match((err as Error).message, new RegExp(exp.message));
      return;
    }
    const backend = new ModelBackend();
    const engine = Engine.create(await PolicyModule.compile(bytes, { label, fuel: 1_000_000 }), PLATFORM, { backend, fallback });
    const faults: PolicyFaultError[] = [];
    engine.observe({ onFault: (_e, f) => { faults.push(f); } });
    const b = engine.allocate({ size: 100_000, devices: ['gpu'], cpu: 'read' });
    if (exp.afterPlace) engine.cpuAccess(b, 'read');
    assert.equal(faults.length, 1);
    assert.equal(faults[0]!.kind, exp.fault);
    assert.match(faults[0]!.message, new RegExp(exp.message));
    assert.equal(engine.policy.name, 'default');
    const c = engine.allocate({ size: 4096, devices: ['gpu'], cpu: 'write' });
    engine.cpuAccess(c, 'write');
    engine.dispose();
    assert.equal(backend.openFds(), 0);
  });
}
