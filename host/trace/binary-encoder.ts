// The binary encoding of a trace (docs/trace.md, "Binary traces"): events as the image the host
// hands the module (copied from its input region before the module runs, so a module that
// scribbles on its input cannot change what is recorded), answers as the bytes the module left
// in its output region, copied as they are.
import { OUT_EXPLAIN_OFFSET, OUT_OPS_OFFSET, OUT_STRINGS_OFFSET, OutHeaderLayout as OH, OpLayout as OL, ExplainLayout as XL } from '../abi/generated.js';
import type { AllocateRequest } from '../engine/buffer.js';
import type { Engine, EventRecord, OpResult, SwapRecord } from '../engine/engine.js';
import { CallOp } from '../engine/tap.js';
import type { Outcome } from '../engine/outcome.js';
import { ACCESS_CODE, ALLOC_DEFERRED, ALLOC_PROTECTED, OTHER_WORD, Rec, RESULT_FAILED, RESULT_OK, RESULT_OK_FD } from './binary-format.js';
import { BinaryWriter, type ByteSink } from './binary-writer.js';
import type { TraceEncoder } from './trace-encoder.js';
import { manifestJson, type RecordedPolicy } from './trace-manifest.js';

export class BinaryEncoder implements TraceEncoder {
  private readonly w: BinaryWriter;
  private deviceIndex: Map<string, number> = new Map();

  constructor(out: ByteSink) {
    this.w = new BinaryWriter(out);
  }

  header(engine: Engine, host: string, policyPath: string | null): void {
    const w = this.w;
    this.deviceIndex = engine.platform.deviceIndex;
    w.begin(Rec.header, 0);
    w.str(host);
    w.str(engine.backend.kind);
    this.policy({ ...engine.policy, path: policyPath, manifest: engine.module.manifest });
    w.room(9);
    w.u32(engine.module.fuel);
    w.u32(engine.opCapacity);
    w.u8v(engine.module.logCapability ? 1 : 0);
    w.str(JSON.stringify(engine.platform.source));
    w.end();
  }

  call(n: number, op: number, buf: number, device: number, access: string | undefined, r: AllocateRequest | undefined): void {
    const w = this.w;
    w.begin(Rec.call, 32);
    w.u32(n);
    w.u32(buf);
    w.u8v(op);
    switch (op) {
      case CallOp.alloc: {
        w.u64(BigInt(r!.size));
        this.word(r!.cpu ?? 'none');
        w.room(1);
        w.u8v((r!.protected ? ALLOC_PROTECTED : 0) | (r!.deferred ? ALLOC_DEFERRED : 0));
        w.optStr(r!.name);
        const devices = r!.devices;
        w.room(4 + 4 * devices.length);
        w.u32(devices.length);
        for (const d of devices) w.u32(this.device(d));
        break;
      }
      case CallOp.attach:
      case CallOp.device_end:
        w.u32(device);
        break;
      case CallOp.device_begin:
        w.u32(device);
        this.word(access!);
        break;
      case CallOp.cpu_begin:
        this.word(access!);
        break;
      default:
    }
    w.end();
  }

  event(ev: EventRecord, image: Uint8Array): void {
    const w = this.w;
    w.begin(Rec.event, 8 + image.length);
    w.u32(ev.index);
    w.u32(ev.call >>> 0);
    w.u8.set(image, w.n);
    w.n += image.length;
    w.end();
  }

  log(i: number, fd: number, text: string): void {
    const w = this.w;
    w.begin(Rec.log, 5);
    w.u32(i);
    w.u8v(fd);
    w.str(text);
    w.end();
  }

  answer(i: number, out: Outcome): void {
    const { u8, dv, output: base } = out.inst;
    const ops = dv.getUint32(base + OH.opCount, true) * OL.SIZE;
    const explains = dv.getUint32(base + OH.explainCount, true) * XL.SIZE;
    const strings = dv.getUint32(base + OH.stringsLen, true);
    const w = this.w;
    w.begin(Rec.answer, 4 + OUT_OPS_OFFSET + ops + explains + strings);
    w.u32(i);
    // Header, ops and explanations are whole words: copied a word at a time (measured cheaper
    // than a subarray and a set for answers of a few dozen bytes).
    w.words(dv, base, OUT_OPS_OFFSET + ops);
    w.words(dv, base + OUT_EXPLAIN_OFFSET, explains);
    w.bytes(u8, base + OUT_STRINGS_OFFSET, base + OUT_STRINGS_OFFSET + strings);
    w.end();
  }

  fault(i: number, kind: string, message: string): void {
    const w = this.w;
    w.begin(Rec.fault, 4);
    w.u32(i);
    w.str(kind);
    w.str(message);
    w.end();
  }

  result(i: number, op: number, r: OpResult): void {
    const w = this.w;
    w.begin(Rec.result, 13);
    w.u32(i);
    w.i32(op);
    if (r.ok) {
      w.u8v(r.fd !== undefined ? RESULT_OK_FD : RESULT_OK);
      if (r.fd !== undefined) w.i32(r.fd);
    } else {
      w.u8v(RESULT_FAILED);
      w.u32(r.errno);
      w.str(r.code);
    }
    w.end();
  }

  swap(sw: SwapRecord): void {
    const w = this.w;
    w.begin(Rec.swap, 4);
    w.u32(sw.atEvent);
    w.str(sw.reason);
    this.policy({ ...sw.to, path: sw.label, manifest: sw.manifest });
    w.end();
  }

  end(calls: number, events: number): void {
    const w = this.w;
    w.begin(Rec.end, 8);
    w.u32(calls);
    w.u32(events);
    w.end();
    w.flush();
  }

  private policy(p: RecordedPolicy): void {
    this.w.str(p.name);
    this.w.str(p.version);
    this.w.str(p.sha256);
    this.w.optStr(p.path);
    this.w.optStr(p.manifest ? manifestJson(p.manifest) : null);
  }

  /** An access word as its ABI value, or OTHER_WORD and the word (one the engine then refuses). */
  private word(a: string): void {
    const code = ACCESS_CODE.get(a);
    this.w.room(1);
    if (code !== undefined) { this.w.u8v(code); return; }
    this.w.u8v(OTHER_WORD);
    this.w.str(String(a));
  }

  private device(name: string): number {
    const d = this.deviceIndex.get(name);
    // The engine checks device names before it records a call.
    if (d === undefined) throw new RangeError(`device "${name}" is not on the recorded platform`);
    return d;
  }
}
