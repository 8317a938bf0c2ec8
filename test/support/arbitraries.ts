// fast-check generators of platforms, requests and event sequences.
import fc from 'fast-check';

const KINDS = ['system', 'system-uncached', 'cma', 'carveout', 'protected', 'udmabuf'] as const;

export const heapArb = fc.record({
  kind: fc.constantFrom(...KINDS),
  contiguous: fc.option(fc.boolean(), { nil: undefined }),
  cached: fc.option(fc.boolean(), { nil: undefined }),
  cpuAccess: fc.option(fc.boolean(), { nil: undefined }),
  maxAddressBits: fc.option(fc.constantFrom(30, 32, 36, 40, 64), { nil: undefined }),
  size: fc.option(fc.constantFrom(4 << 20, 16 << 20, 64 << 20, 256 << 20), { nil: undefined }),
  granule: fc.option(fc.constantFrom(1, 4096, 65536, 1 << 20), { nil: undefined }),
});

export const deviceArb = fc.record({
  dmaMaskBits: fc.constantFrom(28, 30, 32, 36, 40, 48, 64),
  iommu: fc.boolean(),
  coherent: fc.boolean(),
  contiguous: fc.option(fc.boolean(), { nil: undefined }),
  alignment: fc.option(fc.constantFrom(1, 256, 4096, 65536, 1 << 20), { nil: undefined }),
  protected: fc.option(fc.boolean(), { nil: undefined }),
  prefs: fc.array(fc.nat(7), { maxLength: 3 }),
});

const strip = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** A platform JSON with 1-8 heaps and 1-6 devices; preferences name existing heaps. */
export const platformArb = fc
  .tuple(fc.array(heapArb, { minLength: 1, maxLength: 8 }), fc.array(deviceArb, { minLength: 1, maxLength: 6 }))
  .map(([heaps, devices]) => {
    const hs = heaps.map((h, i) => strip({ name: `heap${i}`, ...h }));
    const ds = devices.map(({ prefs, ...d }, i) => {
      const preferredHeaps = [...new Set(prefs.filter((p) => p < hs.length).map((p) => `heap${p}`))];
      return strip({ name: `dev${i}`, ...d, ...(preferredHeaps.length ? { preferredHeaps } : {}) });
    });
    return { name: 'random', heaps: hs, devices: ds };
  });

export const cpuArb = fc.constantFrom('none', 'read', 'write', 'readwrite') as fc.Arbitrary<'none' | 'read' | 'write' | 'readwrite'>;

/** A platform and a request on it. */
export const placementCaseArb = platformArb.chain((p) =>
  fc.record({
    platform: fc.constant(p),
    request: fc.record({
      size: fc.oneof(fc.integer({ min: 1, max: 1 << 20 }), fc.integer({ min: 1, max: 300 << 20 })),
      devices: fc.uniqueArray(fc.nat(p.devices.length - 1), { minLength: 1, maxLength: p.devices.length }).map((ix) => ix.map((i) => `dev${i}`)),
      cpu: cpuArb,
      protected: fc.boolean(),
    }),
  }),
);
