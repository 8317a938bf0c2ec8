// Writes the decision cases for the C benchmark: the fixture first, then every example request,
// each as the ABI platform blob (encodePlatform) and the PLACE event bytes the Node host writes
// into the module (writeEvent), so the C host decides from exactly the same bytes.
//   node export-cases.js --root ROOT --out CASES.bin
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeEvent } from '../../host/engine/event-codec.js';
import { PolicyInstance } from '../../host/module/instance.js';
import { PolicyModule } from '../../host/module/policy-module.js';
import { encodePlatform } from '../../host/platform/encode.js';
import { parsePlatform } from '../../host/platform/parse.js';
import { benchArgs, emit } from '../lib/args.js';
import { decisionCases } from './agreement.js';
import { placeEvent } from './wasm-decision.js';

const args = benchArgs();
const out = args.values.out;
if (!out) throw new Error('export-cases: --out is required');
const mod = await PolicyModule.compile(readFileSync(join(args.root, 'policies/default/build/default.wasm')), { label: 'default' });
const inst = PolicyInstance.create(mod);

const parts: Uint8Array[] = [];
const u32 = (v: number) => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, v, true); parts.push(b); };
const bytes = (b: Uint8Array) => { u32(b.length); parts.push(b); };
const cases = decisionCases(args.root);
u32(0x43425748); // "HWBC"
u32(cases.length);
for (const c of cases) {
  const p = parsePlatform(JSON.parse(readFileSync(c.platformFile, 'utf8')), c.platformFile);
  const len = writeEvent(inst, placeEvent(p, c.request));
  bytes(new TextEncoder().encode(c.label));
  bytes(encodePlatform(p));
  bytes(inst.u8.slice(inst.input, inst.input + len));
}
writeFileSync(out, Buffer.concat(parts));
emit({ cases: cases.length, out });
