// The JSON Lines encoding of a trace: each record as one line (lines.ts) to a line sink.
import type { Engine } from '../engine/engine.js';
import { answerLine, callLine, endLine, eventLine, faultLine, headerLine, logLine, resultLine, swapLine } from './lines.js';
import type { TraceEncoder } from './trace-encoder.js';

export type LineSink = (line: string) => void;

export function jsonlEncoder(sink: LineSink): TraceEncoder {
  return {
    header: (engine: Engine, host, policyPath) => sink(headerLine(host, engine.backend.kind, { ...engine.policy, path: policyPath, manifest: engine.module.manifest }, { fuel: engine.module.fuel, opCap: engine.opCapacity, log: engine.module.logCapability }, engine.platform.source)),
    call: (c) => sink(callLine(c)),
    event: (ev) => sink(eventLine(ev)),
    log: (i, fd, text) => sink(logLine(i, fd, text)),
    answer: (i, out) => sink(answerLine(i, out)),
    fault: (i, kind, message) => sink(faultLine(i, kind, message)),
    result: (i, op, r) => sink(resultLine(i, op, r)),
    swap: (sw) => sink(swapLine(sw.atEvent, sw.reason, { ...sw.to, path: sw.label, manifest: sw.manifest })),
    end: (calls, events) => sink(endLine(calls, events)),
  };
}
