// Discovery of what this machine offers: the DMA-BUF heap nodes, /dev/udmabuf, whether this
// user may open them, and the CMA areas' counters. Plain node:fs: opening a node read-write
// is the same permission check the allocator will meet.
import { closeSync, constants, existsSync, lstatSync, openSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { inferKind, type HeapKindName } from '../platform/kind.js';

export interface ProbeOptions {
  /** Where device nodes live (default /dev). */
  devDir?: string;
  /** Where sysfs is mounted (default /sys). */
  sysDir?: string;
  /** Where procfs is mounted (default /proc), for CmaTotal/CmaFree. */
  procDir?: string;
}

export type NodeAccess = 'ok' | 'EACCES' | 'EPERM' | string;

export interface ProbedNode {
  /** Heap name (the node's file name) or 'udmabuf'. */
  name: string;
  path: string;
  /** Inferred from the name; null when the name says nothing. */
  kind: HeapKindName | null;
  /** 'ok' when O_RDWR open succeeded, else the errno name. */
  access: NodeAccess;
  /** Set when the entry is a symlink (e.g. Raspberry Pi's vidbuf_cached). */
  linkTo?: string;
}

export interface CmaArea {
  name: string;
  /** Every numeric counter in /sys/kernel/mm/cma/<area>/ (alloc_pages_success, ...). */
  counters: Record<string, number>;
}

export interface ProbeResult {
  devDir: string;
  /** False when <devDir>/dma_heap does not exist at all (kernel without DMABUF_HEAPS). */
  heapDirPresent: boolean;
  heaps: ProbedNode[];
  udmabuf: ProbedNode | null;
  cma: CmaArea[];
  /** CmaTotal / CmaFree from /proc/meminfo, in bytes, when the kernel has CMA. */
  cmaTotal?: number;
  cmaFree?: number;
}

function tryOpen(path: string): NodeAccess {
  try {
    closeSync(openSync(path, constants.O_RDWR));
    return 'ok';
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? 'EIO';
  }
}

function probeNode(name: string, path: string): ProbedNode {
  const node: ProbedNode = { name, path, kind: inferKind(name), access: tryOpen(path) };
  try {
    if (lstatSync(path).isSymbolicLink()) node.linkTo = readlinkSync(path);
  } catch {
    // Vanished between readdir and lstat: the open result already says so.
  }
  return node;
}

function readCmaAreas(sysDir: string): CmaArea[] {
  const root = join(sysDir, 'kernel', 'mm', 'cma');
  if (!existsSync(root)) return [];
  return readdirSync(root).sort().map((name) => {
    const counters: Record<string, number> = {};
    for (const file of readdirSync(join(root, name))) {
      try {
        const text = readFileSync(join(root, name, file), 'utf8').trim();
        if (/^\d+$/.test(text)) counters[file] = Number(text);
      } catch {
        // Write-only or unreadable attribute: not a counter.
      }
    }
    return { name, counters };
  });
}

function readMeminfoCma(procDir: string): { cmaTotal?: number; cmaFree?: number } {
  try {
    const text = readFileSync(join(procDir, 'meminfo'), 'utf8');
    const kib = (key: string) => {
      const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
      return m ? Number(m[1]) * 1024 : undefined;
    };
    const out: { cmaTotal?: number; cmaFree?: number } = {};
    const total = kib('CmaTotal');
    const free = kib('CmaFree');
    if (total !== undefined) out.cmaTotal = total;
    if (free !== undefined) out.cmaFree = free;
    return out;
  } catch {
    return {};
  }
}

export function probe(opts: ProbeOptions = {}): ProbeResult {
  const devDir = opts.devDir ?? '/dev';
  const heapDir = join(devDir, 'dma_heap');
  const heapDirPresent = existsSync(heapDir);
  const heaps = heapDirPresent
    ? readdirSync(heapDir).sort().map((name) => probeNode(name, join(heapDir, name)))
    : [];
  const udmabufPath = join(devDir, 'udmabuf');
  const udmabuf = existsSync(udmabufPath) ? probeNode('udmabuf', udmabufPath) : null;
  return {
    devDir,
    heapDirPresent,
    heaps,
    udmabuf,
    cma: readCmaAreas(opts.sysDir ?? '/sys'),
    ...readMeminfoCma(opts.procDir ?? '/proc'),
  };
}
