// Replay: hand a trace's events to a module and compare each answer with the recorded one,
// as text (byte for byte).
import { statSync } from 'node:fs';
import { PolicyFaultError, InputError } from '../errors.js';
import { answer } from '../engine/answer.js';
import { PolicyInstance } from '../module/instance.js';
import type { PolicyIdentity, PolicyModule } from '../module/policy-module.js';
import { encodePlatform } from '../platform/encode.js';
import { parsePlatform } from '../platform/parse.js';
import type { Platform } from '../platform/types.js';
import { answerLine, logLine } from './lines.js';
import { policyForTrace } from './policy-for-trace.js';
import { underRecordedManifest } from './trace-manifest.js';
import { isBinaryTraceFile, readTrace, type TraceHeader } from './reader.js';
import { replayBinary } from './binary-replay.js';

export interface Divergence {
  event: number;
  /** Line of the JSON Lines trace, or record index of a binary one (the same line in its dump). */
  line: number;
  expected: string;
  actual: string;
}

export interface ReplayReport {
  identical: boolean;
  events: number;
  recorded: PolicyIdentity;
  policy: PolicyIdentity;
  divergence: Divergence | null;
}

export interface ReplayOptions {
  /** Each log line as it is met: the recorded one (`recorded`), or one the replayed module wrote. */
  onLog?: (line: string, recorded: boolean) => void;
  /** Replay with this module instead of the one the trace names. */
  policy?: PolicyModule;
  opCap?: number;
  /** Progress in bytes of the trace file read, with the file size. */
  onProgress?: (bytes: number, total: number) => void;
}

/** What replay compares a fault line by: its kind (messages name files that differ between hosts). */
const faultText = (kind: string) => `fault:${kind}`;

export async function replay(file: string, opts: ReplayOptions = {}): Promise<ReplayReport> {
  if (isBinaryTraceFile(file)) return replayBinary(file, opts);
  const total = statSync(file).size;
  const it = readTrace(file, opts.onProgress ? (b) => opts.onProgress!(b, total) : undefined);
  const first = await it.next();
  const header = first.value as TraceHeader;
  const platform: Platform = parsePlatform(header.platform, file, 'line 1 /platform');
  let mod = opts.policy ? underRecordedManifest(opts.policy, header.policy) : await policyForTrace(header, file);
  const opCap = opts.opCap ?? header.limits.opCap;
  const fresh = () => {
    const inst = PolicyInstance.create(mod);
    inst.init(encodePlatform(platform));
    return inst;
  };
  let inst = fresh();
  const recorded = { name: header.policy.name, version: header.policy.version, sha256: header.policy.sha256 };
  let pending: { i: number; text: string; line: number; logs: string[] } | null = null;
  let events = 0;
  for await (const l of it) {
    if (l.t === 'swap') {
      mod = await policyForTrace({ policy: l.policy, limits: header.limits }, file, `line ${l.line}`);
      inst = fresh();
      continue;
    }
    if (l.t === 'event') {
      if (pending) throw new InputError(file, `line ${l.line}`, `event ${pending.i} has no answer or fault line`);
      events++;
      let text: string;
      let logs: string[];
      try {
        text = answerLine(l.ev.index, answer(inst, platform, l.ev, opCap));
        logs = inst.logs.map((x) => logLine(l.ev.index, x.fd, x.text));
      } catch (e) {
        if (!(e instanceof PolicyFaultError)) throw e;
        text = faultText(e.kind);
        logs = inst.logs.map((x) => logLine(l.ev.index, x.fd, x.text));
        inst = fresh(); // modules are stateless: a fresh instance continues where the faulted one stopped
      }
      if (opts.onLog) for (const x of logs) opts.onLog(x, false);
      pending = { i: l.ev.index, text, line: l.line, logs };
    } else if (l.t === 'log') {
      if (!pending) throw new InputError(file, `line ${l.line}`, 'log line without its event');
      opts.onLog?.(l.raw, true);
      // Out of log lines, the module's next word is its answer (or fault): that is what differs.
      const actual = pending.logs.shift() ?? pending.text;
      if (actual !== l.raw) return { identical: false, events, recorded, policy: instIdentity(inst), divergence: { event: pending.i, line: l.line, expected: l.raw, actual } };
    } else if (l.t === 'answer' || l.t === 'fault') {
      if (!pending) throw new InputError(file, `line ${l.line}`, `${l.t} without its event`);
      const expected = l.t === 'answer' ? l.raw : faultText(l.kind);
      if (pending.logs.length) return { identical: false, events, recorded, policy: instIdentity(inst), divergence: { event: pending.i, line: l.line, expected: l.t === 'answer' ? l.raw : `fault (${l.kind}): ${l.message}`, actual: pending.logs[0]! } };
      if (expected !== pending.text) {
        return { identical: false, events, recorded, policy: instIdentity(inst), divergence: { event: pending.i, line: l.line, expected: l.t === 'answer' ? l.raw : `fault (${l.kind}): ${l.message}`, actual: pending.text } };
      }
      pending = null;
    }
  }
  return { identical: true, events, recorded, policy: instIdentity(inst), divergence: null };
}

function instIdentity(inst: PolicyInstance): PolicyIdentity {
  return inst.identity;
}
