// The probe as a readable table, with the fix when a node exists but this user cannot open it.
import type { ProbedNode, ProbeResult } from './probe.js';

export const HEAP_UDEV_RULE = 'SUBSYSTEM=="dma_heap", GROUP="video", MODE="0660"';
export const UDMABUF_UDEV_RULE = 'KERNEL=="udmabuf", GROUP="video", MODE="0660"';

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
}

function accessText(n: ProbedNode): string {
  if (n.access === 'ok') return 'read-write';
  if (n.access === 'EACCES' || n.access === 'EPERM') return `no (${n.access}: permission denied)`;
  return `no (${n.access})`;
}

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

export function formatProbe(result: ProbeResult): string {
  const lines: string[] = [];
  const nodes = [...result.heaps, ...(result.udmabuf ? [result.udmabuf] : [])];
  if (nodes.length === 0) {
    lines.push(`No DMA-BUF heaps were found: ${result.devDir}/dma_heap ${result.heapDirPresent ? 'is empty' : 'does not exist'} and there is no ${result.devDir}/udmabuf.`);
    lines.push('The kernel needs CONFIG_DMABUF_HEAPS with CONFIG_DMABUF_HEAPS_SYSTEM (and/or _CMA), or CONFIG_UDMABUF.');
  } else {
    const rows = [['HEAP', 'KIND', 'ACCESS', 'NODE']];
    for (const n of nodes) {
      rows.push([n.name, n.kind ?? '? (state "kind" in the platform)', accessText(n), n.path + (n.linkTo ? ` -> ${n.linkTo}` : '')]);
    }
    lines.push(...table(rows));
  }

  if (result.cma.length > 0 || result.cmaTotal !== undefined) {
    lines.push('');
    if (result.cmaTotal !== undefined) {
      lines.push(`CMA: ${mib(result.cmaTotal)} total, ${mib(result.cmaFree ?? 0)} free (/proc/meminfo)`);
    }
    if (result.cma.length > 0) {
      const keys = [...new Set(result.cma.flatMap((a) => Object.keys(a.counters)))].sort();
      const rows = [['CMA AREA', ...keys]];
      for (const a of result.cma) rows.push([a.name, ...keys.map((k) => String(a.counters[k] ?? '-'))]);
      lines.push(...table(rows));
    }
  }

  const blockedHeaps = result.heaps.filter((n) => n.access !== 'ok');
  const blockedUdmabuf = result.udmabuf && result.udmabuf.access !== 'ok';
  if (blockedHeaps.length > 0 || blockedUdmabuf) {
    const names = [...blockedHeaps.map((n) => n.path), ...(blockedUdmabuf ? [result.udmabuf!.path] : [])];
    lines.push('');
    lines.push(`This user cannot open ${names.join(', ')}.`);
    lines.push('The nodes are root-only (0600) by default. A udev rule, e.g. /etc/udev/rules.d/72-dma-heap.rules:');
    if (blockedHeaps.length > 0) lines.push(`  ${HEAP_UDEV_RULE}`);
    if (blockedUdmabuf) lines.push(`  ${UDMABUF_UDEV_RULE}`);
    lines.push('then add the user to the "video" group and run: udevadm control --reload && udevadm trigger');
  }
  return lines.join('\n') + '\n';
}
