// Any trace line, read from either encoding, as its JSON Lines text (lines.ts): what
// `heapwise trace dump` prints, byte for byte what the JSON Lines recorder writes.
import type { CallRecord } from '../engine/engine.js';
import { callLine, endLine, faultLine, headerLine, resultLine, swapLine } from './lines.js';
import type { TraceHeader, TraceLine } from './reader.js';

export function lineText(l: TraceHeader | TraceLine): string {
  switch (l.t) {
    case 'header':
      return headerLine(l.host, l.backend, l.policy, { fuel: l.limits.fuel, opCap: l.limits.opCap, log: !!l.limits.log }, l.platform, l.version);
    case 'call': {
      const c = { n: l.n, op: l.op, buf: l.buf } as CallRecord;
      if (l.op === 'alloc') {
        c.request = { size: BigInt(l.size!), devices: l.devices!, cpu: l.cpu as 'none', protected: !!l.protected, deferred: !!l.deferred, ...(l.name != null ? { name: l.name } : {}) };
      }
      if (l.device !== undefined) c.device = l.device;
      if (l.access !== undefined) c.access = l.access as CallRecord['access'];
      return callLine(c);
    }
    case 'event':
    case 'answer':
    case 'log':
      return l.raw;
    case 'fault':
      return faultLine(l.i, l.kind, l.message);
    case 'result':
      return resultLine(l.i, l.op, l.ok ? (l.fd !== undefined ? { ok: true, fd: l.fd } : { ok: true }) : { ok: false, errno: l.errno!, code: l.code! });
    case 'swap':
      return swapLine(l.i, l.reason, l.policy);
    case 'end':
      return endLine(l.calls, l.events);
  }
}
