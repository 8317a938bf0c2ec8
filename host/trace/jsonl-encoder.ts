// The JSON Lines encoding of a trace: each record as one line (lines.ts) to a line sink.
import type { Access, Engine } from '../engine/engine.js';
import { CALL_OP_NAMES, type CallOpName } from '../engine/tap.js';
import { answerLine, callLine, endLine, eventLine, faultLine, headerLine, logLine, resultLine, swapLine } from './lines.js';
import type { TraceEncoder } from './trace-encoder.js';

export type LineSink = (line: string) => void;

export function jsonlEncoder(sink: LineSink): TraceEncoder {
  let devices: readonly { name: string }[] = [];
  return {
    header: (engine: Engine, host, policyPath) => {
      devices = engine.platform.devices;
      sink(headerLine(host, engine.backend.kind, { ...engine.policy, path: policyPath, manifest: engine.module.manifest }, { fuel: engine.module.fuel, opCap: engine.opCapacity, log: engine.module.logCapability }, engine.platform.source));
    },
    call: (n, op, buf, device, access, request) => sink(callLine({ n, op: CALL_OP_NAMES[op] as CallOpName, buf, request, device: device < 0 ? undefined : devices[device]!.name, access: access as Access | undefined })),
    event: (ev) => sink(eventLine(ev)),
    log: (i, fd, text) => sink(logLine(i, fd, text)),
    answer: (i, out) => sink(answerLine(i, out)),
    fault: (i, kind, message) => sink(faultLine(i, kind, message)),
    result: (i, op, r) => sink(resultLine(i, op, r)),
    swap: (sw) => sink(swapLine(sw.atEvent, sw.reason, { ...sw.to, path: sw.label, manifest: sw.manifest })),
    end: (calls, events) => sink(endLine(calls, events)),
  };
}
