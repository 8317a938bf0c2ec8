// The engine: owns the buffer table, hands the policy module the platform and every event,
// validates what it asks for, and executes it on a backend (model or kernel).
import {
  EventKind, OpKind, BufferFlag, NONE, type Event,
} from '../abi/generated.js';
import { type Backend, type BackendHeap, type Errno } from '../backend/backend.js';
import { ModelBackend } from '../backend/model.js';
import { KernelError, PolicyFaultError, UsageError } from '../errors.js';
import { PolicyModule, type LoadOptions, type PolicyIdentity } from '../module/policy-module.js';
import type { Manifest } from '../module/manifest.js';
import { PolicyInstance } from '../module/instance.js';
import { encodePlatform } from '../platform/encode.js';
import { KIND_VALUE } from '../platform/kind.js';
import { parsePlatform } from '../platform/parse.js';
import type { Platform, CpuUse } from '../platform/types.js';
import { Buffer, nameBytesOf, type AllocateRequest } from './buffer.js';
import { type Decision, type Attempt, type DecisionFacts } from './decision.js';
import { type AnswerView } from './outcome.js';
import { answer } from './answer.js';
import { EngineEvent } from './event-record.js';
import { HeapUsage } from './heap-usage.js';
import { Observers, type EngineObserver } from './observers.js';
import { CALL_OP_NAMES, CallOp, TapFanout, type CallOpName, type RoundTripTap } from './tap.js';

export type { EngineObserver } from './observers.js';

export type Access = 'read' | 'write' | 'readwrite';
const ACCESS: Record<string, number> = { none: 0, read: 1, write: 2, readwrite: 3 };
/** Bit i of a heap or device mask (i < 64), built once: each BigInt operation allocates. */
const BIT: readonly bigint[] = Array.from({ length: 64 }, (_, i) => 1n << BigInt(i));
/** The result of every op that succeeded without an fd: one frozen object, not one per op. */
const OK: OpResult = Object.freeze({ ok: true });

export interface EngineOptions extends LoadOptions {
  /** Where operations execute (default: a fresh ModelBackend). */
  backend?: Backend;
  /** Most operations one answer may carry (default 64). */
  opCap?: number;
  /** Largest allocation the engine hands any heap, in bytes (default 1 GiB): the system heap answers far larger requests with the OOM killer, not ENOMEM. */
  maxAllocationBytes?: number;
  /**
   * Policy to switch to when the module traps, runs out of fuel or asks for invalid operations
   * (Engine.load defaults it to the built-in default policy; null: no fallback, faults throw).
   */
  fallback?: PolicyModule | null;
}

/** A change of policy module: explicit (swapPolicy) or after a fault. */
export interface SwapRecord {
  /** Index of the next event, the first the new module answers. */
  atEvent: number;
  reason: 'explicit' | 'fault';
  from: PolicyIdentity;
  to: PolicyIdentity;
  /** The fault that caused it. */
  fault?: PolicyFaultError;
  /** The new module's manifest (traces record it). */
  manifest: Manifest | null;
  /** Path or label of the new module. */
  label: string;
}

/** What the module was handed: everything needed to replay it (the ABI Event, decoded). */
export interface EventRecord extends Omit<Event, 'nameLen' | 'reserved0' | 'state'> {
  index: number;
  /** Index of the application call that caused it. */
  call: number;
  name: Uint8Array;
  /** Bytes allocated per heap (PLACE events only). */
  usage: bigint[] | null;
  /** BufferState handed in. */
  state: Uint8Array;
}

/** The result of executing one op: 0, an fd, or an errno. */
export type OpResult = { ok: true; fd?: number } | ({ ok: false } & Errno);

/** One application call on the engine, as a trace records it. */
export interface CallRecord {
  n: number;
  op: CallOpName;
  buf: number;
  request?: AllocateRequest;
  device?: string;
  access?: Access;
}

export class Engine {
  readonly backend: Backend;
  private inst: PolicyInstance;
  private readonly buffers = new Map<number, Buffer>();
  private readonly observers = new Observers();
  private readonly taps: RoundTripTap[] = [];
  /** The one tap the engine calls (a fan-out when several are connected). */
  private tap: RoundTripTap | null = null;
  private readonly backendHeaps: BackendHeap[];
  private readonly usage: HeapUsage;
  private nextId = 1;
  private eventIndex = 0;
  private callIndex = -1;
  private stamp = 0;
  private disposed = false;
  private readonly opCap: number;
  private readonly maxAllocation: bigint;
  private readonly fallback: PolicyModule | null;
  /** Swaps so far, oldest first (a fault switches to the fallback once). */
  readonly swaps: SwapRecord[] = [];

  private constructor(readonly platform: Platform, inst: PolicyInstance, opts: EngineOptions) {
    this.inst = inst;
    this.backend = opts.backend ?? new ModelBackend();
    this.opCap = opts.opCap ?? 64;
    this.maxAllocation = BigInt(opts.maxAllocationBytes ?? 1024 * 1024 * 1024);
    this.fallback = opts.fallback ?? null;
    this.backendHeaps = platform.heaps.map((h) => ({ name: h.name, kind: KIND_VALUE[h.kind], size: h.size, cpuAccess: h.cpuAccess }));
    this.usage = new HeapUsage(this.backend, this.backendHeaps, opts.backend === undefined);
  }

  /**
   * Loads a policy (bytes or an already compiled PolicyModule) on a platform (validated
   * Platform or platform JSON) and hands the module the platform.
   */
  static async load(policy: Uint8Array | PolicyModule, platform: Platform | unknown, opts: EngineOptions = {}): Promise<Engine> {
    const mod = policy instanceof PolicyModule ? policy : await PolicyModule.compile(policy, opts);
    const p = isPlatform(platform) ? platform : parsePlatform(platform);
    let fallback = opts.fallback;
    if (fallback === undefined) {
      const { loadPolicyFile } = await import('../module/load-file.js');
      fallback = await loadPolicyFile('default');
    }
    return Engine.create(mod, p, { ...opts, fallback });
  }

  /** Synchronous load from a compiled module and a validated platform. */
  static create(mod: PolicyModule, platform: Platform, opts: EngineOptions = {}): Engine {
    const inst = PolicyInstance.create(mod);
    inst.init(encodePlatform(platform));
    return new Engine(platform, inst, opts);
  }

  get policy(): PolicyIdentity {
    return this.inst.identity;
  }

  /** The module answering events now. */
  get module(): PolicyModule {
    return this.inst.module;
  }

  /**
   * Switches to another policy module between decisions. Live buffers keep their placement
   * and BufferState: the new module continues from the state the old one left (ABI section 3).
   */
  swapPolicy(mod: PolicyModule): void {
    this.usable();
    this.switchTo(mod, 'explicit');
  }

  private switchTo(mod: PolicyModule, reason: 'explicit' | 'fault', fault?: PolicyFaultError): void {
    const inst = PolicyInstance.create(mod);
    inst.init(encodePlatform(this.platform));
    const swap: SwapRecord = { atEvent: this.eventIndex, reason, from: this.inst.identity, to: inst.identity, manifest: mod.manifest, label: mod.label, ...(fault ? { fault } : {}) };
    this.inst = inst;
    this.swaps.push(swap);
    for (const f of this.observers.on.onSwap) f(swap);
  }

  /** Most operations one answer may carry. */
  get opCapacity(): number {
    return this.opCap;
  }

  get events(): number {
    return this.eventIndex;
  }

  observe(o: EngineObserver): () => void {
    this.usable();
    return this.observers.add(o);
  }

  /**
   * Connects a trace recorder's tap (tap.ts): called directly at every call, event, answer and
   * result, in trace order. Returns the function that disconnects it.
   */
  tapWith(t: RoundTripTap): () => void {
    this.usable();
    this.taps.push(t);
    this.retap();
    return () => {
      const i = this.taps.indexOf(t);
      if (i < 0) return;
      this.taps.splice(i, 1);
      this.retap();
    };
  }

  private retap(): void {
    this.tap = this.taps.length === 0 ? null : this.taps.length === 1 ? this.taps[0]! : new TapFanout([...this.taps]);
  }

  /** Live buffers, in allocation order. */
  liveBuffers(): Buffer[] {
    this.usable();
    return [...this.buffers.values()];
  }

  buffer(id: number): Buffer {
    this.usable();
    const b = this.buffers.get(id);
    if (!b) throw new UsageError(`unknown buffer ${id}`);
    return b;
  }

  /** Creates a buffer and places it now, or at its first use when `deferred`. */
  allocate(req: AllocateRequest): Buffer {
    this.usable();
    const size = BigInt(req.size);
    if (size <= 0n) throw new UsageError(`allocation size must be positive, got ${req.size}`);
    if (size > this.maxAllocation) throw new UsageError(`allocation of ${size} bytes exceeds the engine's limit of ${this.maxAllocation} bytes (maxAllocationBytes)`);
    if (req.devices.length === 0) throw new UsageError('an allocation needs at least one device');
    if (req.cpu !== undefined && !(req.cpu in ACCESS)) throw new UsageError(`cpu must be none, read, write or readwrite, got ${String(req.cpu)}`);
    const nameBytes = nameBytesOf(req.name ?? '');
    if (req.name !== undefined && nameBytes.length > 31) throw new UsageError(`buffer name "${req.name}" is longer than 31 bytes`);
    let devices = 0n;
    for (const name of req.devices) devices |= BIT[this.deviceIndex(name)]!;
    const buf = new Buffer(this.nextId++, { ...req, devices: [...req.devices] }, devices, nameBytes);
    this.buffers.set(buf.id, buf);
    this.called(CallOp.alloc, buf.id, -1, undefined, buf.request);
    if (!req.deferred) {
      try {
        this.placeOnce(buf);
      } catch (e) {
        // A fault while placing leaves nothing behind: no table entry, no fd.
        this.buffers.delete(buf.id);
        if (buf.fd !== null && this.backend.close(buf.fd) === 0) this.usage.closed(buf.heapIndex, buf.size);
        throw e;
      }
    }
    return buf;
  }

  /** Attaches another device; a deferred buffer is placed from every attachment at first use. */
  attach(b: Buffer | number, device: string): void {
    const buf = this.live(b);
    const d = this.deviceIndex(device);
    this.called(CallOp.attach, buf.id, d);
    buf.devices |= BIT[d]!;
    this.run(EventKind.ATTACH, buf, d, 0);
  }

  deviceBegin(b: Buffer | number, device: string, access: Access): void {
    const buf = this.live(b);
    const d = this.deviceIndex(device);
    if (!((buf.devices >> BigInt(d)) & 1n)) throw new UsageError(`device ${device} is not attached to ${buf.label}; attach it first`);
    if (buf.deviceAccess.has(d)) throw new UsageError(`device ${device} already accesses ${buf.label}`);
    this.called(CallOp.device_begin, buf.id, d, access);
    this.ensurePlaced(buf);
    const a = accessValue(access);
    buf.deviceAccess.set(d, a);
    this.run(EventKind.DEVICE_BEGIN, buf, d, a);
  }

  deviceEnd(b: Buffer | number, device: string): void {
    const buf = this.live(b);
    const d = this.deviceIndex(device);
    const a = buf.deviceAccess.get(d);
    if (a === undefined) throw new UsageError(`device ${device} has no access of ${buf.label} to end`);
    this.called(CallOp.device_end, buf.id, d);
    buf.deviceAccess.delete(d);
    this.run(EventKind.DEVICE_END, buf, d, a);
  }

  cpuBegin(b: Buffer | number, access: Access): void {
    const buf = this.live(b);
    if (buf.cpuAccess !== 0) throw new UsageError(`the CPU already accesses ${buf.label}`);
    this.called(CallOp.cpu_begin, buf.id, -1, access);
    this.ensurePlaced(buf);
    if (!this.platform.heaps[buf.heapIndex]!.cpuAccess) throw new UsageError(`${buf.label} is in heap ${buf.heap}, which the CPU cannot map`);
    const a = accessValue(access);
    buf.cpuAccess = a;
    this.run(EventKind.CPU_BEGIN, buf, NONE, a);
  }

  cpuEnd(b: Buffer | number): void {
    const buf = this.live(b);
    if (buf.cpuAccess === 0) throw new UsageError(`the CPU has no access of ${buf.label} to end`);
    this.called(CallOp.cpu_end, buf.id, -1);
    const a = buf.cpuAccess;
    buf.cpuAccess = 0;
    this.run(EventKind.CPU_END, buf, NONE, a);
  }

  /**
   * One whole CPU access: begin, touch the memory through the backend (the kernel backend
   * writes or verifies a pattern in a real mapping), end.
   */
  cpuAccess(b: Buffer | number, access: Access): void {
    const buf = this.live(b);
    this.cpuBegin(buf, access);
    const r = this.backend.cpuAccess(buf.fd!, Number(buf.size), accessValue(access), ++this.stamp);
    if (r !== 0) throw new KernelError('cpu access', r.code, r.errno, buf.label);
    this.cpuEnd(buf);
  }

  /** The buffer's fd leaves the process: from now on every CPU access is bracketed. */
  export(b: Buffer | number): void {
    const buf = this.live(b);
    this.called(CallOp.export, buf.id, -1);
    this.ensurePlaced(buf);
    this.run(EventKind.EXPORT, buf, NONE, 0);
    buf.exported = true;
  }

  /** Frees the buffer: the policy closes any open START, then the fd is closed. */
  free(b: Buffer | number): void {
    const buf = this.live(b);
    if (buf.cpuAccess !== 0 || buf.deviceAccess.size > 0) throw new UsageError(`${buf.label} is still being accessed; end the access before free`);
    this.called(CallOp.free, buf.id, -1);
    if (buf.placed) this.run(EventKind.FREE, buf, NONE, 0);
    this.buffers.delete(buf.id);
    buf.freed = true;
    if (buf.fd !== null) {
      const fd = buf.fd;
      buf.fd = null;
      const r = this.backend.close(fd);
      if (r !== 0) throw new KernelError('close', r.code, r.errno, buf.label);
      this.usage.closed(buf.heapIndex, buf.size);
    }
  }

  /**
   * Frees every live buffer and releases the backend. Afterwards every method throws
   * UsageError "engine disposed"; disposing again does nothing.
   */
  dispose(): void {
    if (this.disposed) return;
    try {
      for (const b of [...this.buffers.values()]) {
        b.cpuAccess = 0;
        b.deviceAccess.clear();
        this.free(b);
      }
    } finally {
      // Even when a close failed: the engine is gone, and the backend closes what is left.
      this.disposed = true;
      this.buffers.clear();
      this.backend.dispose();
    }
  }

  /** Whether dispose() has run. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  // ---- internals -------------------------------------------------------------------------

  private usable(): void {
    if (this.disposed) throw new UsageError('engine disposed');
  }

  /** The live buffer `b` names; every method that takes a buffer checks disposal here. */
  private live(b: Buffer | number): Buffer {
    this.usable();
    const id = typeof b === 'number' ? b : b.id;
    const buf = this.buffers.get(id);
    if (!buf) throw new UsageError(typeof b === 'number' ? `unknown buffer ${id}` : `${b.label} was freed`);
    return buf;
  }

  private deviceIndex(name: string): number {
    const d = this.platform.deviceIndex.get(name);
    if (d === undefined) throw new UsageError(`unknown device "${name}" (platform ${this.platform.name} has ${this.platform.devices.map((x) => x.name).join(', ') || 'no devices'})`);
    return d;
  }

  /** Places a deferred buffer now (normally done at its first use); returns the decision. */
  place(b: Buffer | number): Decision {
    const buf = this.live(b);
    if (buf.placed) return buf.decision!;
    this.called(CallOp.place, buf.id, -1);
    this.placeOnce(buf);
    return buf.decision!;
  }

  private ensurePlaced(buf: Buffer): void {
    if (buf.placed) return;
    if (buf.unplaceable) throw new UsageError(`${buf.label} could not be placed: ${buf.decision!.failure}`);
    this.placeOnce(buf);
    if (!buf.placed) throw new UsageError(`${buf.label} could not be placed: ${buf.decision?.failure}`);
  }

  /** PLACE, then ALLOC; on an allocation error the heap is marked failed and the module asked again. */
  private placeOnce(buf: Buffer): void {
    let failed = 0n;
    let lastErrno = 0;
    const attempts: Attempt[] = [];
    for (;;) {
      const { ev, out } = this.ask(EventKind.PLACE, buf, NONE, 0, failed, lastErrno);
      if (out.opKind(0) === OpKind.FAIL) {
        buf.decideFrom(this.facts(out, buf, attempts, null, 0, 0, null, out.opArg(0)));
        this.notify(ev, out, 0, OK, buf);
        return;
      }
      const heapIndex = out.opHeap(0);
      const size = out.opValue(0);
      const fdFlags = out.opArg(0);
      const heap = this.backendHeaps[heapIndex]!;
      const r = this.backend.alloc(heap, size, fdFlags);
      if (r.ok) this.usage.allocated(heapIndex, size);
      this.notify(ev, out, 0, r.ok ? { ok: true, fd: r.fd } : r, buf);
      if (!r.ok) {
        attempts.push({ heap: heap.name, errno: r.errno, code: r.code });
        failed |= BIT[heapIndex]!;
        lastErrno = r.errno;
        continue;
      }
      buf.fd = r.fd;
      buf.heapIndex = heapIndex;
      buf.heap = heap.name;
      buf.size = size;
      out.stateTo(buf.stateWords);
      // The module names the buffer as the request did, in practice: its string, not a decoded copy.
      const named = out.opCount > 1 && out.opKind(1) === OpKind.SET_NAME
        ? (typeof buf.request.name === 'string' && out.opNameIs(1, buf.nameBytes) ? buf.request.name : out.opName(1)) : null;
      if (named !== null) {
        const nr = this.backend.setName(r.fd, named);
        this.notify(ev, out, 1, nr === 0 ? OK : { ok: false, ...nr }, buf);
        if (nr !== 0) throw new KernelError('DMA_BUF_SET_NAME', nr.code, nr.errno, buf.label);
      }
      buf.decideFrom(this.facts(out, buf, attempts, heap.name, Number(size), fdFlags, named, 0));
      return;
    }
  }

  /** What a decision's sentences need, kept now: they are written when the decision is first read. */
  private facts(out: AnswerView, buf: Buffer, attempts: Attempt[], heap: string | null, size: number, fdFlags: number, name: string | null, failReason: number): DecisionFacts {
    return { platform: this.platform, policy: this.inst.identity, explainWords: out.explainWords(), requested: buf.requested, devices: buf.devices, heap, size, fdFlags, name, attempts, failReason };
  }

  /** Sends a non-PLACE event and executes the SYNCs it answers with. */
  private run(kind: number, buf: Buffer, device: number, access: number): void {
    if (!buf.placed && kind !== EventKind.ATTACH) return;
    const { ev, out } = this.ask(kind, buf, device, access, 0n, 0);
    out.stateTo(buf.stateWords);
    for (let i = 0; i < out.opCount; i++) {
      const flags = out.opArg(i);
      const r = this.backend.sync(buf.fd!, flags);
      this.notify(ev, out, i, r === 0 ? OK : { ok: false, ...r }, buf);
      if (r !== 0) throw new KernelError(`DMA_BUF_IOCTL_SYNC 0x${flags.toString(16)}`, r.code, r.errno, buf.label);
    }
  }

  private flushLogs(ev: EventRecord): void {
    const logs = this.inst.logs;
    if (!logs.length) return;
    for (const l of logs) for (const f of this.observers.on.onLog) f(ev, l);
    this.inst.logs = [];
  }

  /** Counts the call and hands it to the tap; observers of calls get a CallRecord (one object shape for every op), built only for them. */
  private called(op: number, buf: number, device: number, access?: Access, request?: AllocateRequest): void {
    const n = ++this.callIndex;
    if (this.tap !== null) this.tap.call(n, op, buf, device, access, request);
    const hooks = this.observers.on.onCall;
    if (hooks.length === 0) return;
    const rec: CallRecord = { n, op: CALL_OP_NAMES[op] as CallOpName, buf, request, device: device < 0 ? undefined : this.platform.devices[device]!.name, access };
    for (const f of hooks) f(rec);
  }

  /** Index of the application call being served (for traces). */
  get currentCall(): number {
    return this.callIndex;
  }

  /** Hands observers op `i` of the answer (the same Op object as out.ops[i]; decoded only when observed). */
  private notify(ev: EventRecord, out: AnswerView, i: number, r: OpResult, buf: Buffer): void {
    if (this.tap !== null) this.tap.result(ev, i, r);
    const hooks = this.observers.on.onResult;
    if (hooks.length === 0) return;
    const op = out.ops[i]!;
    for (const f of hooks) f(ev, op, r, buf, i);
  }

  /** Encodes the event into the module's input region, runs it, decodes and validates the answer. */
  private ask(kind: number, buf: Buffer, device: number, access: number, failed: bigint, lastErrno: number): { ev: EventRecord; out: AnswerView } {
    let flags = 0;
    if (buf.request.protected) flags |= BufferFlag.PROTECTED;
    if (buf.request.deferred) flags |= BufferFlag.DEFERRED;
    if (buf.exported) flags |= BufferFlag.EXPORTED;
    if (buf.nameBytes.length) flags |= BufferFlag.NAMED;
    const ev: EventRecord = new EngineEvent(this.eventIndex++, this.callIndex, kind, buf.id, device, access, buf.requested, buf.devices,
      failed, buf.heapIndex < 0 ? NONE : buf.heapIndex, ACCESS[buf.request.cpu ?? 'none']!, flags, lastErrno,
      buf.nameBytes, kind === EventKind.PLACE ? this.usage.snapshot() : null, buf.stateWords);
    let out: AnswerView;
    try {
      out = answer(this.inst, this.platform, ev, this.opCap, this.observers.on.onEvent, this.tap);
    } catch (e) {
      if (!(e instanceof PolicyFaultError)) throw e;
      this.flushLogs(ev);
      for (const f of this.observers.on.onFault) f(ev, e);
      // Keep serving: the fallback policy answers this event again (a new event, same buffer).
      if (!this.fallback || this.inst.module === this.fallback) throw e;
      this.switchTo(this.fallback, 'fault', e);
      return this.ask(kind, buf, device, access, failed, lastErrno);
    }
    this.flushLogs(ev);
    if (this.tap !== null) this.tap.answer(ev, out);
    for (const f of this.observers.on.onAnswer) f(ev, out, buf);
    return { ev, out };
  }
}

function accessValue(a: Access | CpuUse): number {
  const v = ACCESS[a];
  if (v === undefined || v === 0) throw new UsageError(`access must be read, write or readwrite, got ${String(a)}`);
  return v;
}

function isPlatform(x: unknown): x is Platform {
  return typeof x === 'object' && x !== null && (x as Platform).heapIndex instanceof Map;
}

