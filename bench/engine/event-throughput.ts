// Sync planning throughput: CPU and device begin/end events per second through Engine on the
// model backend, on the fixture's typical buffer (a cached heap shared with non-coherent
// devices, so the default policy issues and elides syncs as it plans the cache domain).
import { Engine } from '../../host/engine/engine.js';
import { benchArgs, emit } from '../lib/args.js';
import { timeInterleaved } from '../lib/batches.js';
import { calibration, loadFixture, loadPolicy } from '../lib/fixture.js';

const args = benchArgs();
const fixture = loadFixture(args.root);
const mod = await loadPolicy(args.root);
const engine = Engine.create(mod, fixture.platform, { fallback: null });
const buf = engine.allocate({ ...fixture.request, devices: [...fixture.request.devices] });

// One frame: the ISP writes, the CPU reads (histogram), the display scans out.
// 6 events: DEVICE_BEGIN/END (isp), CPU_BEGIN/END, DEVICE_BEGIN/END (display).
const EVENTS_PER_FRAME = 6;
const frame = () => {
  engine.deviceBegin(buf, 'isp', 'write');
  engine.deviceEnd(buf, 'isp');
  engine.cpuBegin(buf, 'read');
  engine.cpuEnd(buf);
  engine.deviceBegin(buf, 'display', 'read');
  engine.deviceEnd(buf, 'display');
};
const before = engine.events;
frame();
if (engine.events - before !== EVENTS_PER_FRAME) throw new Error(`a frame handed the policy ${engine.events - before} events, expected ${EVENTS_PER_FRAME}`);

// Batches are whole frames (multiples of 6 events).
const plan = args.quick ? { batchSize: 240, batches: 30, warmup: 5 } : { batchSize: 600, batches: 300, warmup: 30 };
const t = timeInterleaved({
  events: (n) => { const frames = Math.ceil(n / EVENTS_PER_FRAME); for (let i = 0; i < frames; i++) frame(); return engine.events; },
  calibration: calibration(fixture),
}, plan);
engine.dispose();

const perEvent = t.events!;
emit({
  perEventNs: perEvent,
  eventsPerSecond: { p50: 1e9 / perEvent.p50, p99: 1e9 / perEvent.p99 },
  calibration: t.calibration,
  // An event costs this many native TypeScript decisions (machine-independent-ish).
  ratioToCalibration: perEvent.p50 / t.calibration!.p50,
});
