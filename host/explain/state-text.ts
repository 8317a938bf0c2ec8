// BufferState decoded for people.
import { BufferStateLayout as BS, DomainName } from '../abi/generated.js';
import type { Platform } from '../platform/types.js';

const ACCESS = ['', 'READ', 'WRITE', 'RW'];

export interface StateView {
  domain: string;
  openStart: string | null;
  cpuActive: boolean;
  dirty: boolean;
  devicesActive: string[];
}

export function decodeState(state: Uint8Array, p: Platform): StateView {
  const dv = new DataView(state.buffer, state.byteOffset, state.byteLength);
  const open = dv.getUint8(BS.openStart);
  const active = dv.getBigUint64(BS.devicesActive, true);
  return {
    domain: DomainName[dv.getUint8(BS.domain)] ?? '?',
    openStart: open ? `START|${ACCESS[open & 3]}` : null,
    cpuActive: dv.getUint8(BS.cpuActive) !== 0,
    dirty: dv.getUint8(BS.dirty) !== 0,
    devicesActive: p.devices.filter((d) => (active >> BigInt(d.index)) & 1n).map((d) => d.name),
  };
}

export function stateText(s: StateView): string {
  return [
    `domain ${s.domain}`,
    s.openStart ? `${s.openStart} open` : 'no START open',
    s.dirty ? 'CPU caches may hold dirty lines' : 'no dirty CPU lines',
    s.cpuActive ? 'CPU accessing' : '',
    s.devicesActive.length ? `devices accessing: ${s.devicesActive.join(', ')}` : '',
  ].filter(Boolean).join('; ');
}
