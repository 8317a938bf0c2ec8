// heapwise in Deno, minimal: load the default policy, describe a board, place a camera frame,
// let the camera write it and the CPU read it, print where it went and why. With --kernel the
// buffer comes from the real kernel (libheapwise.so through FFI) instead of the model.
import { Engine, KernelBackend, loadPolicyFile, parsePlatform } from '../mod.ts';

const policy = await loadPolicyFile('default'); // policies/default/build/default.wasm
const platform = parsePlatform({
  name: 'my-board',
  heaps: [{ name: 'linux,cma', size: 64 * 1024 * 1024, maxAddressBits: 32 }, { name: 'system' }],
  devices: [
    { name: 'camera', dmaMaskBits: 32, iommu: false, coherent: false },
    { name: 'gpu', dmaMaskBits: 40, iommu: true, coherent: false },
  ],
});
const backend = Deno.args.includes('--kernel') ? new KernelBackend() : undefined; // default: the model
const engine = Engine.create(policy, platform, backend ? { backend } : {});
try {
  const frame = engine.allocate({ size: 1920 * 1080 * 2, devices: ['camera', 'gpu'], cpu: 'read', name: 'frame' });
  console.log(JSON.stringify(frame.decision, null, 2));
  if (frame.placed) {
    engine.deviceBegin(frame, 'camera', 'write');
    engine.deviceEnd(frame, 'camera');
    engine.cpuAccess(frame, 'read'); // the policy issues the cache syncs this read needs
    engine.free(frame);
  } else {
    Deno.exitCode = 3; // nothing fits: the decision's failure, rejected and attempts say why
  }
} finally {
  engine.dispose(); // frees what is left and closes the backend's heap fds
}
