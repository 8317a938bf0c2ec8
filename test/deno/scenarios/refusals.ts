// Policy modules the host must refuse, each with the message it refuses it with: the hosts
// must refuse the same bytes with the same words.
import { Engine, PolicyModule, parsePlatform } from '../../../host/index.ts';
import { policyModuleBytes, type PolicyShape } from '../fixtures/wasm_module.ts';

const ABI_1_0 = 1 << 16;

export const REFUSAL_CASES: Record<string, PolicyShape> = {
  'forbidden import': { abiVersion: ABI_1_0, imports: [{ module: 'wasi_snapshot_preview1', name: 'fd_write' }] },
  'wrong ABI': { abiVersion: 2 << 16 },
  'missing export': { abiVersion: ABI_1_0, omit: ['hw_event'] },
  'memory without maximum': { abiVersion: ABI_1_0, memory: { min: 1, max: null } },
  'memory over the cap': { abiVersion: ABI_1_0, memory: { min: 1, max: 1024 } },
  // Nothing wrong with the shape: proves the faults above are what each module is refused for.
  'no fault but an empty name': { abiVersion: ABI_1_0 },
};

const PLATFORM = {
  name: 'refusal-bench',
  heaps: [{ name: 'system' }],
  devices: [{ name: 'gpu', dmaMaskBits: 64, iommu: true, coherent: true }],
};

/** "<ErrorName>: <message>" per case, or "accepted" for a module that loaded. */
export async function refusalMessages(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [label, shape] of Object.entries(REFUSAL_CASES)) {
    try {
      const mod = await PolicyModule.compile(policyModuleBytes(shape), { label: `${label}.wasm` });
      Engine.create(mod, parsePlatform(PLATFORM)).dispose();
      out[label] = 'accepted';
    } catch (e) {
      out[label] = `${(e as Error).name}: ${(e as Error).message}`;
    }
  }
  return out;
}
