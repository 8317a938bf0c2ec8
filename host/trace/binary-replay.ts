// Replay of a binary trace (docs/trace.md, "Replay of a binary trace"): each recorded event image
// goes into the module's input region as it is, and the module's used output region is compared
// with the recorded answer image. Equal bytes are the recorded, already validated answer; only a
// difference, a recorded fault, or a module whose validation may differ from the recording's
// takes the full path (decode, validate, compare the JSON answer lines).
import { statSync } from 'node:fs';
import { EventKind, EventLayout as EL, EVENT_USAGE_OFFSET, MAX_HEAPS, MAX_OPS, OUT_EXPLAIN_OFFSET, OUT_OPS_OFFSET, OUT_STRINGS_OFFSET, OutHeaderLayout as OH, OpLayout as OL, ExplainLayout as XL } from '../abi/generated.js';
import { answer } from '../engine/answer.js';
import { InputError, PolicyFaultError } from '../errors.js';
import { PolicyInstance } from '../module/instance.js';
import type { PolicyModule } from '../module/policy-module.js';
import { encodePlatform } from '../platform/encode.js';
import { parsePlatform } from '../platform/parse.js';
import { ANSWER_PREFIX, BinaryCursor, EVENT_PREFIX } from './binary-cursor.js';
import { RecordFields } from './binary-fields.js';
import { Rec } from './binary-format.js';
import { answerOf, eventFromImage } from './binary-images.js';
import { checkCallOrResult, headerOf, policyOf } from './binary-lines.js';
import { answerLine, logLine } from './lines.js';
import { policyForTrace } from './policy-for-trace.js';
import { underRecordedManifest } from './trace-manifest.js';
import type { Divergence, ReplayOptions, ReplayReport } from './replay.js';

/** Whether bytes [a, a + n) of `x` equal bytes [b, b + n) of `y`. */
function same(x: Uint8Array, a: number, y: Uint8Array, b: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (x[a + k] !== y[b + k]) return false;
  return true;
}

/** Whether the module's output region holds exactly the recorded answer image of record `c`. */
function sameAnswer(inst: PolicyInstance, c: BinaryCursor): boolean {
  const out = inst.u8;
  const o = inst.output;
  const r = c.start + ANSWER_PREFIX;
  if (!same(out, o, c.u8, r, OUT_OPS_OFFSET)) return false;
  // The headers are equal, so are the counts: the recorded ones, which the cursor checked.
  const ops = c.dv.getUint32(r + OH.opCount, true) * OL.SIZE;
  const explains = c.dv.getUint32(r + OH.explainCount, true) * XL.SIZE;
  const strings = c.dv.getUint32(r + OH.stringsLen, true);
  return same(out, o + OUT_OPS_OFFSET, c.u8, r + OUT_OPS_OFFSET, ops)
    && same(out, o + OUT_EXPLAIN_OFFSET, c.u8, r + OUT_OPS_OFFSET + ops, explains)
    && same(out, o + OUT_STRINGS_OFFSET, c.u8, r + OUT_OPS_OFFSET + ops + explains, strings);
}

const faultText = (kind: string) => `fault:${kind}`;

export async function replayBinary(file: string, opts: ReplayOptions = {}): Promise<ReplayReport> {
  const c = new BinaryCursor(file);
  try {
    return await run(c, file, opts);
  } finally {
    c.close();
  }
}

async function run(c: BinaryCursor, file: string, opts: ReplayOptions): Promise<ReplayReport> {
  c.next();
  const header = headerOf(c);
  const platform = parsePlatform(header.platform, file, 'record 1 /platform');
  c.platform(platform.heaps.length, platform.devices.length);
  const blob = encodePlatform(platform);
  let mod: PolicyModule = opts.policy ? underRecordedManifest(opts.policy, header.policy) : await policyForTrace(header, file);
  const opCap = opts.opCap ?? header.limits.opCap;
  const fresh = () => {
    const inst = PolicyInstance.create(mod);
    inst.init(blob);
    return inst;
  };
  let inst!: PolicyInstance;
  // Validation beyond the recording's: another op cap, or a manifest limiting ALLOCs (PLACE only).
  const capChanged = opCap !== header.limits.opCap;
  let manifestChecks = false;
  const follow = (m: PolicyModule) => {
    mod = m;
    manifestChecks = !!(m.manifest && (m.manifest.allowedHeaps || m.manifest.maxAllocationBytes !== undefined));
    inst = fresh();
  };
  follow(mod);
  const recorded = { name: header.policy.name, version: header.policy.version, sha256: header.policy.sha256 };
  const total = opts.onProgress ? statSync(file).size : 0;
  const image = new Uint8Array(EVENT_USAGE_OFFSET + MAX_HEAPS * 8);
  const imageView = new DataView(image.buffer);
  const plainImage = image.subarray(0, EVENT_USAGE_OFFSET);
  let imageLen = 0;
  let eventIndex = -1;
  let eventCall = -1;
  /** The event awaiting its answer: 'fast' ran on its image, 'full' holds its answer text; null when answered. */
  let pending: 'fast' | 'full' | null = null;
  let actualText = '';
  let actualFault: string | null = null;
  let logs: { fd: number; text: string }[] = [];
  let events = 0;
  const diverged = (d: Divergence): ReplayReport => ({ identical: false, events, recorded, policy: inst.identity, divergence: d });
  const ev = () => eventFromImage(image, imageView, 0, imageLen, eventIndex, eventCall);
  /** The full path: decode, answer, validate; the answer line, or the fault. */
  const full = (target: PolicyInstance): void => {
    try {
      actualText = answerLine(eventIndex, answer(target, platform, ev(), opCap));
      actualFault = null;
    } catch (e) {
      if (!(e instanceof PolicyFaultError)) throw e;
      actualFault = e.kind;
    }
  };

  /** What the module said instead of a recorded log line: its answer line or fault (decoded on this cold path). */
  const settled = (): string => {
    if (pending === 'fast' && !actualFault) {
      full(fresh());
      pending = 'full';
    }
    return actualFault ? faultText(actualFault) : actualText;
  };

  while (c.next()) {
    if (opts.onProgress && (c.index & 4095) === 0) opts.onProgress(c.bytesRead, total);
    switch (c.type) {
      case Rec.event: {
        if (pending) throw c.fault(`event ${eventIndex} has no answer or fault record`);
        events++;
        eventIndex = c.dv.getUint32(c.start, true);
        const call = c.dv.getUint32(c.start + 4, true);
        eventCall = call === 0xffffffff ? -1 : call;
        const b = c.start + EVENT_PREFIX;
        imageLen = c.end - b;
        // Word copies: no subarray per event (images are whole words).
        for (let k = 0; k < imageLen; k += 4) imageView.setUint32(k, c.dv.getUint32(b + k, true), true);
        const place = imageView.getUint32(EL.kind, true) === EventKind.PLACE;
        if (capChanged || (manifestChecks && place)) {
          full(inst);
          pending = 'full';
        } else {
          inst.refresh();
          inst.u8.set(imageLen === EVENT_USAGE_OFFSET ? plainImage : image.subarray(0, imageLen), inst.input);
          try {
            inst.event(imageLen);
            actualFault = null;
          } catch (e) {
            if (!(e instanceof PolicyFaultError)) throw e;
            actualFault = e.kind;
          }
          pending = 'fast';
        }
        logs = inst.logs;
        if (opts.onLog) for (const x of logs) opts.onLog(logLine(eventIndex, x.fd, x.text), false);
        if (actualFault) inst = fresh(); // modules are stateless: a fresh instance continues where the faulted one stopped
        break;
      }
      case Rec.log: {
        const f = new RecordFields(c, 4);
        const fd = f.u8('fd');
        const text = f.str('text');
        f.done();
        if (!pending) throw c.fault('log record without its event');
        if (opts.onLog) opts.onLog(logLine(eventIndex, fd, text), true);
        const got = logs.shift();
        if (!got || got.fd !== fd || got.text !== text) {
          return diverged({ event: eventIndex, line: c.index, expected: logLine(eventIndex, fd, text), actual: got ? logLine(eventIndex, got.fd, got.text) : settled() });
        }
        break;
      }
      case Rec.answer: {
        if (!pending) throw c.fault('answer record without its event');
        if (logs.length) return diverged({ event: eventIndex, line: c.index, expected: answerLine(eventIndex, answerOf(c)), actual: logLine(eventIndex, logs[0]!.fd, logs[0]!.text) });
        const opCount = c.dv.getUint32(c.start + ANSWER_PREFIX + OH.opCount, true);
        if (pending === 'fast' && !actualFault && opCount <= Math.min(opCap, MAX_OPS) && sameAnswer(inst, c)) {
          pending = null;
          break;
        }
        const expected = answerLine(eventIndex, answerOf(c));
        // Different bytes may still be the same answer (a reserved word): decide on the decoded lines.
        if (pending === 'fast' && !actualFault) full(fresh());
        const actual = actualFault ? faultText(actualFault) : actualText;
        if (actual !== expected) return diverged({ event: eventIndex, line: c.index, expected, actual });
        pending = null;
        break;
      }
      case Rec.fault: {
        if (!pending) throw c.fault('fault record without its event');
        const f = new RecordFields(c, 4);
        const kind = f.str('kind');
        const message = f.str('message');
        f.done();
        if (logs.length) return diverged({ event: eventIndex, line: c.index, expected: `fault (${kind}): ${message}`, actual: logLine(eventIndex, logs[0]!.fd, logs[0]!.text) });
        // The module answered: whether that answer is refused is the full path's to say.
        if (pending === 'fast' && !actualFault) {
          full(fresh());
          if (actualFault) inst = fresh();
        }
        const actual = actualFault ? faultText(actualFault) : actualText;
        if (actual !== faultText(kind)) return diverged({ event: eventIndex, line: c.index, expected: `fault (${kind}): ${message}`, actual });
        pending = null;
        break;
      }
      case Rec.swap: {
        const f = new RecordFields(c, 4);
        f.str('reason');
        const policy = policyOf(c, f);
        f.done();
        follow(await policyForTrace({ policy, limits: header.limits }, file, `byte ${c.offset} (record ${c.index})`));
        break;
      }
      case Rec.call:
      case Rec.result:
        // Not replayed, but checked: a malformed one is refused here as by dump, diff and the C host.
        checkCallOrResult(c, platform.devices.length);
        break;
      default:
        break;
    }
  }
  if (pending) throw new InputError(file, `record ${c.index}`, `event ${eventIndex} has no answer or fault record`);
  return { identical: true, events, recorded, policy: inst.identity, divergence: null };
}
