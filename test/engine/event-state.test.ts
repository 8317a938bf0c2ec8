// The BufferState the engine carries between events: each event record's `state` is the state the
// previous answer left (the bytes handed in), stays so after later events, and is what the module
// read from its input region; the buffer's `state` is the last answer's, and reading it gives a copy.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BufferStateLayout as BS, EventLayout as EL } from '../../host/abi/generated.js';
import { Engine, type EventRecord } from '../../host/engine/engine.js';
import { policy } from '../support/modules.js';
import { platform } from '../support/platforms.js';

const PLATFORM = {
  name: 'state',
  heaps: [{ name: 'system' }, { name: 'linux,cma', size: 1 << 26 }],
  devices: [{ name: 'isp', dmaMaskBits: 32, iommu: true, coherent: false }, { name: 'gpu', dmaMaskBits: 40, iommu: true, coherent: true }],
};

type Step = 'cpuRead' | 'cpuWrite' | 'ispWrite' | 'gpuRead' | 'export';
const stepArb = fc.constantFrom<Step>('cpuRead', 'cpuWrite', 'ispWrite', 'gpuRead', 'export');
const hex = (u: Uint8Array) => Buffer.from(u).toString('hex');

describe('buffer state between events', () => {
  it('hands each event the state the previous answer left, and keeps every record as it was', async () => {
    const mod = await policy('default');
    fc.assert(fc.property(fc.array(stepArb, { maxLength: 12 }), (steps) => {
      const e = Engine.create(mod, platform(PLATFORM), { fallback: null });
      const events: { ev: EventRecord; at: string; image: string }[] = [];
      const answers: string[] = [];
      e.observe({
        onEvent: (ev, image) => { events.push({ ev, at: hex(ev.state), image: hex(image.subarray(EL.state, EL.state + BS.SIZE)) }); },
        onAnswer: (_ev, out) => { answers.push(hex(out.state)); },
      });
      const b = e.allocate({ size: 1 << 20, devices: ['isp', 'gpu'], cpu: 'readwrite' });
      for (const s of steps) {
        if (s === 'cpuRead' || s === 'cpuWrite') { e.cpuBegin(b, s === 'cpuRead' ? 'read' : 'write'); e.cpuEnd(b); }
        else if (s === 'export') e.export(b);
        else { const d = s === 'ispWrite' ? 'isp' : 'gpu'; e.deviceBegin(b, d, s === 'ispWrite' ? 'write' : 'read'); e.deviceEnd(b, d); }
      }
      const last = answers[answers.length - 1]!;
      expect(hex(b.state)).toBe(last);
      // A copy: writing to it changes nothing the engine holds.
      b.state.fill(0xff);
      expect(hex(b.state)).toBe(last);
      e.free(b);
      expect(events[0]!.at).toBe('00'.repeat(BS.SIZE));
      for (let i = 0; i < events.length; i++) {
        const { ev, at, image } = events[i]!;
        expect(image).toBe(at); // the module read what the record says
        expect(hex(ev.state)).toBe(at); // unchanged by the events after it
        if (i > 0) expect(at).toBe(answers[i - 1]);
      }
    }), { numRuns: 200 });
  });
});
