// A compositor's buffer path with heapwise in Node: a scanout buffer placed from every device
// that will touch it, a CPU-drawn cursor, hand-offs to the display, export, free.
// Runs on the model backend; pass { backend: new KernelBackend() } to Engine.create for
// the real /dev/dma_heap (Linux, the node addon built).
import { Engine, loadPolicyFile, loadPlatformFile } from 'heapwise';

const platform = loadPlatformFile(new URL('../platforms/rpi5.json', import.meta.url).pathname);
const engine = Engine.create(await loadPolicyFile('default'), platform);

// Deferred: placed at first use, from the constraints of the GPU and the display together.
const scanout = engine.allocate({ size: 1920 * 1080 * 4, devices: ['v3d'], cpu: 'none', name: 'scanout0', deferred: true });
engine.attach(scanout, 'hvs');
const cursor = engine.allocate({ size: 64 * 64 * 4, devices: ['hvs'], cpu: 'write', name: 'cursor' });

engine.deviceBegin(scanout, 'v3d', 'write'); // GPU renders the frame
engine.deviceEnd(scanout, 'v3d');
for (let frame = 0; frame < 3; frame++) {
  engine.cpuAccess(cursor, 'write'); // draw the cursor (syncs only where coherency needs them)
  engine.deviceBegin(cursor, 'hvs', 'read'); // KMS commit
  engine.deviceEnd(cursor, 'hvs');
}
engine.deviceBegin(scanout, 'hvs', 'read');
engine.deviceEnd(scanout, 'hvs');
engine.export(scanout); // the fd goes to another process: full bracketing from now on

console.log(`scanout in ${scanout.heap} (fallbacks ${scanout.decision.fallbacks.join(', ') || 'none'}), cursor in ${cursor.heap}`);
for (const r of cursor.decision.rejected) console.log(`  cursor not in ${r.heap}: ${r.reason}`);
engine.free(cursor);
engine.free(scanout);
engine.dispose();
