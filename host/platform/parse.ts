// From platform JSON to a validated Platform: schema first, then what a schema cannot say
// (kind inference, unique names, preferred heaps that exist).
import { InputError } from '../errors.js';
import { validate } from '../input/schema.js';
import { readJsonFile } from '../input/json-file.js';
import { inferKind, KIND_DEFAULTS, type HeapKindName } from './kind.js';
import type { Platform, HeapSpec, DeviceSpec } from './types.js';
import { MAX_HEAPS, MAX_DEVICES } from '../abi/generated.js';

interface HeapJson { name: string; kind?: HeapKindName; contiguous?: boolean; cached?: boolean; cpuAccess?: boolean; maxAddressBits?: number; size?: number; granule?: number }
interface DeviceJson { name: string; dmaMaskBits: number; iommu: boolean; coherent: boolean; contiguous?: boolean; alignment?: number; protected?: boolean; preferredHeaps?: string[] }
interface PlatformJson { name: string; heaps: HeapJson[]; devices: DeviceJson[] }

/**
 * An empty heap name, or one with a NUL, told as such: the schema's first complaint would be the
 * "kind" that such a name cannot imply, which sends the user to the wrong field.
 */
function checkHeapNames(json: unknown, file: string, basePath: string): void {
  const heaps = (json as { heaps?: unknown } | null)?.heaps;
  if (!Array.isArray(heaps)) return;
  heaps.forEach((h, i) => {
    const name = (h as { name?: unknown } | null)?.name;
    if (name === '') throw new InputError(file, `${basePath}/heaps/${i}/name`, 'heap name must not be empty (the /dev/dma_heap node name, e.g. "system")');
    if (typeof name === 'string' && name.includes('\u0000')) throw new InputError(file, `${basePath}/heaps/${i}/name`, 'heap name must not contain NUL (it names a /dev/dma_heap node)');
  });
}

const isPow2 = (n: number) => Number.isSafeInteger(n) && n > 0 && Number.isInteger(Math.log2(n));

/** Validates platform JSON (already parsed); `file` and `basePath` locate faults in messages. */
export function parsePlatform(json: unknown, file = '<platform>', basePath = ''): Platform {
  checkHeapNames(json, file, basePath);
  validate('platform', json, file, basePath);
  const p = json as PlatformJson;
  if (p.heaps.length > MAX_HEAPS) throw new InputError(file, `${basePath}/heaps`, `at most ${MAX_HEAPS} heaps`);
  if (p.devices.length > MAX_DEVICES) throw new InputError(file, `${basePath}/devices`, `at most ${MAX_DEVICES} devices`);
  const heapIndex = new Map<string, number>();
  const heaps: HeapSpec[] = p.heaps.map((h, index) => {
    const at = `${basePath}/heaps/${index}`;
    if (heapIndex.has(h.name)) throw new InputError(file, `${at}/name`, `duplicate heap name "${h.name}"`);
    heapIndex.set(h.name, index);
    const kind = h.kind ?? inferKind(h.name);
    if (!kind) throw new InputError(file, `${at}/name`, `cannot infer the kind of heap "${h.name}" from its name; add "kind" (system, system-uncached, cma, carveout, protected or udmabuf)`);
    const d = KIND_DEFAULTS[kind];
    // A CMA heap named "...uncached" (i.MX linux,cma-uncached, Rockchip cma-uncached) is write-combined.
    const cachedDefault = kind === 'cma' && h.name.toLowerCase().includes('uncached') ? false : d.cached;
    const granule = h.granule ?? 1;
    if (!isPow2(granule)) throw new InputError(file, `${at}/granule`, `granule must be a power of two, got ${granule}`);
    return {
      index, name: h.name, kind,
      contiguous: h.contiguous ?? d.contiguous,
      cached: h.cached ?? cachedDefault,
      cpuAccess: h.cpuAccess ?? d.cpuAccess,
      maxAddressBits: h.maxAddressBits ?? 64,
      size: h.size ?? 0,
      granule,
    };
  });
  const deviceIndex = new Map<string, number>();
  const devices: DeviceSpec[] = p.devices.map((dv, index) => {
    const at = `${basePath}/devices/${index}`;
    if (deviceIndex.has(dv.name)) throw new InputError(file, `${at}/name`, `duplicate device name "${dv.name}"`);
    deviceIndex.set(dv.name, index);
    const alignment = dv.alignment ?? 1;
    if (!isPow2(alignment)) throw new InputError(file, `${at}/alignment`, `alignment must be a power of two, got ${alignment}`);
    const preferredHeaps = (dv.preferredHeaps ?? []).map((name, k) => {
      const i = heapIndex.get(name);
      if (i === undefined) throw new InputError(file, `${at}/preferredHeaps/${k}`, `unknown heap "${name}" (platform heaps: ${[...heapIndex.keys()].join(', ')})`);
      return i;
    });
    return {
      index, name: dv.name, dmaMaskBits: dv.dmaMaskBits, iommu: dv.iommu, coherent: dv.coherent,
      contiguous: dv.contiguous, alignment, protected: dv.protected ?? false, preferredHeaps,
    };
  });
  return { name: p.name, heaps, devices, heapIndex, deviceIndex, source: json };
}

/** Where a platform file was named: a workload's /platform, say. */
export interface PlatformReference { file: string; path: string }

/**
 * Reads and validates a platform file. With `from`, a file that cannot be read is reported at
 * the file and field that name it (the user typed that, not the resolved path).
 */
export function loadPlatformFile(file: string, from?: PlatformReference): Platform {
  let json: unknown;
  try {
    json = readJsonFile(file);
  } catch (e) {
    const detail = e instanceof InputError && e.file === file && e.path === '' ? e.message.slice(`${file}: `.length) : '';
    // Only a missing or unreadable file is the referrer's fault; bad content is the file's own.
    if (!from || !detail.startsWith('cannot read')) throw e;
    throw new InputError(from.file, from.path, `platform file ${file}: ${detail}`);
  }
  return parsePlatform(json, file);
}
