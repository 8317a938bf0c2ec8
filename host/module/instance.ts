// A running policy module: the memory views, the input/output regions, and calls into it that
// turn traps and aborts into PolicyFaultError. After a fault the instance is poisoned.
import { ABI_MAJOR, ABI_MINOR, INPUT_CAPACITY, OUTPUT_CAPACITY, Status } from '../abi/generated.js';
import { PolicyFaultError, PolicyRefusedError } from '../errors.js';
import type { PolicyModule, PolicyIdentity } from './policy-module.js';
import { checkIdentity } from './manifest.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

class GuestAbort extends Error {}
class GuestExit extends Error {}

/** Largest fd_write a debug build may make (bytes), in every host. */
export const LOG_WRITE_CAP = 1 << 20;

/** A line a debug build wrote to fd 1 or 2 during one call. */
export interface LogLine {
  fd: number;
  text: string;
}

/** Reads an AssemblyScript string (UTF-16, byte length at ptr - 4); bounded and never throws. */
function readAsString(mem: WebAssembly.Memory, ptr: number): string {
  const buf = mem.buffer;
  if (ptr < 4 || ptr > buf.byteLength) return '?';
  const len = new DataView(buf).getUint32(ptr - 4, true);
  const n = Math.min(len, 512, buf.byteLength - ptr) >>> 1;
  return String.fromCharCode(...new Uint16Array(buf.slice(ptr, ptr + n * 2)));
}

export class PolicyInstance {
  private memory!: WebAssembly.Memory;
  private buffer!: ArrayBuffer;
  u8!: Uint8Array;
  dv!: DataView;
  /** Word views of the same memory, for the event and answer codecs (refreshed with u8). */
  u32!: Uint32Array;
  u64!: BigUint64Array;
  input = 0;
  output = 0;
  abi = { major: 0, minor: 0 };
  identity!: PolicyIdentity;
  poisoned: string | null = null;
  private fnInit!: (len: number) => number;
  private fnEvent!: (len: number) => number;
  private fuelSet!: (n: number) => void;
  private fuelLeft!: () => number;
  /** Budget of the last call, and the fuel it used once known (a fault fixes it; else read on demand). */
  private lastBudget = 0;
  private usedFuel: number | null = 0;
  /** Lines written by a debug build during the last call (complete lines only; the same empty array while there are none). */
  logs: LogLine[] = [];
  private partial: [string, string] = ['', ''];
  private readonly images = new Map<number, Uint8Array>();

  private constructor(readonly module: PolicyModule) {}

  /** Instantiates, checks the ABI major first, then reads identity and regions. */
  static create(mod: PolicyModule): PolicyInstance {
    const self = new PolicyInstance(mod);
    const label = mod.label;
    let memoryRef: WebAssembly.Memory | null = null;
    const imports = {
      env: {
        abort(msg: number, file: number, line: number, col: number) {
          const m = memoryRef ? readAsString(memoryRef, msg) : '?';
          const f = memoryRef ? readAsString(memoryRef, file) : '?';
          throw new GuestAbort(`abort: ${m} at ${f}:${line}:${col}`);
        },
      },
    };
    if (mod.logCapability) {
      // The log sink: fd_write to fds 1 and 2 only, attributed to the call in progress.
      (imports as Record<string, unknown>).wasi_snapshot_preview1 = {
        fd_write(fd: number, iovs: number, count: number, nwritten: number): number {
          if ((fd !== 1 && fd !== 2) || !memoryRef) return 8; // EBADF
          const dv = new DataView(memoryRef.buffer);
          const u8 = new Uint8Array(memoryRef.buffer);
          let total = 0;
          let text = '';
          for (let i = 0; i < count; i++) {
            const ptr = dv.getUint32(iovs + i * 8, true);
            const len = dv.getUint32(iovs + i * 8 + 4, true);
            if (ptr + len > u8.length) return 21; // EFAULT
            // A log is for people: more than 1 MiB in one write is a module gone wrong (the C host agrees).
            if (total + len > LOG_WRITE_CAP) throw new GuestExit(`fd_write of more than ${LOG_WRITE_CAP} bytes`);
            text += new TextDecoder().decode(u8.subarray(ptr, ptr + len));
            total += len;
          }
          self.collect(fd, text);
          dv.setUint32(nwritten, total, true);
          return 0;
        },
        proc_exit(code: number): never {
          throw new GuestExit(`proc_exit(${code})`);
        },
      };
    }
    let instance: WebAssembly.Instance;
    try {
      instance = new WebAssembly.Instance(mod.module, imports);
    } catch (e) {
      throw new PolicyRefusedError(label, `start function failed: ${(e as Error).message}`);
    }
    const ex = instance.exports as Record<string, unknown>;
    memoryRef = ex.memory as WebAssembly.Memory;
    self.memory = memoryRef;
    self.fuelSet = ex.hw_fuel_set as (n: number) => void;
    self.fuelLeft = ex.hw_fuel_left as () => number;
    self.refresh();
    const call = (name: string): number => {
      self.fuelSet(mod.fuel);
      try {
        return (ex[name] as () => number)() >>> 0;
      } catch (e) {
        const why = self.fuelLeft() < 0 ? `ran out of fuel (${mod.fuel} units)` : `failed: ${(e as Error).message}`;
        throw new PolicyRefusedError(label, `${name === 'hw_start' ? 'start function' : `${name}()`} ${why}`);
      } finally {
        self.refresh();
      }
    };
    if (typeof ex.hw_start === 'function') call('hw_start');
    // A reactor (a wasi-shim debug build) initialises itself in _initialize.
    if (typeof ex._initialize === 'function') call('_initialize');
    self.logs = [];
    const v = call('hw_abi_version');
    self.abi = { major: v >>> 16, minor: v & 0xffff };
    if (self.abi.major !== ABI_MAJOR) {
      throw new PolicyRefusedError(label, `speaks policy ABI ${self.abi.major}.${self.abi.minor}; this host speaks ABI ${ABI_MAJOR}.${ABI_MINOR}`);
    }
    const name = self.readBlob(call('hw_policy_name'), 64, 'hw_policy_name');
    const version = self.readBlob(call('hw_policy_version'), 32, 'hw_policy_version');
    if (!name) throw new PolicyRefusedError(label, 'hw_policy_name is empty');
    if (!/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?$/.test(version)) throw new PolicyRefusedError(label, `hw_policy_version "${version}" is not a semver`);
    self.identity = { name, version, sha256: mod.sha256 };
    if (mod.manifest) checkIdentity(mod.manifest, self.identity, label);
    self.input = call('hw_input');
    self.output = call('hw_output');
    self.checkRegion(self.input, INPUT_CAPACITY, 'hw_input');
    self.checkRegion(self.output, OUTPUT_CAPACITY, 'hw_output');
    if (self.input < self.output + OUTPUT_CAPACITY && self.output < self.input + INPUT_CAPACITY) {
      throw new PolicyRefusedError(label, 'input and output regions overlap');
    }
    self.fnInit = ex.hw_init as (len: number) => number;
    self.fnEvent = ex.hw_event as (len: number) => number;
    return self;
  }

  /** Fuel the last call used: asked of the module only when read, valid until the next call. */
  get lastFuel(): number {
    return this.usedFuel ?? this.lastBudget - this.fuelLeft();
  }

  private collect(fd: number, text: string): void {
    const k = fd === 1 ? 0 : 1;
    const parts = (this.partial[k] + text).split('\n');
    this.partial[k] = parts.pop()!;
    for (const p of parts) this.logs.push({ fd, text: p });
  }

  private checkRegion(ptr: number, size: number, what: string): void {
    if (ptr === 0 || ptr + size > this.buffer.byteLength) {
      throw new PolicyRefusedError(this.module.label, `${what}() region [${ptr}, ${ptr + size}) is outside memory (${this.buffer.byteLength} bytes)`);
    }
  }

  private readBlob(ptr: number, cap: number, what: string): string {
    if (ptr + 4 > this.buffer.byteLength) throw new PolicyRefusedError(this.module.label, `${what}() points outside memory`);
    const len = this.dv.getUint32(ptr, true);
    if (len > cap || ptr + 4 + len > this.buffer.byteLength) throw new PolicyRefusedError(this.module.label, `${what}() length ${len} is out of bounds`);
    // Names travel as C strings and into every trace header: bytes either host would read
    // differently (a NUL cuts a C string short; U+FFFD would stand for bad UTF-8) are refused.
    const bytes = this.u8.subarray(ptr + 4, ptr + 4 + len);
    if (bytes.includes(0)) throw new PolicyRefusedError(this.module.label, `${what}() holds a NUL byte`);
    try {
      return strictUtf8.decode(bytes);
    } catch {
      throw new PolicyRefusedError(this.module.label, `${what}() is not UTF-8`);
    }
  }

  /**
   * The first `len` bytes of the input region as a view made once per length (a few lengths per
   * platform: events with and without heap usage), for observers that copy the event image.
   */
  inputImage(len: number): Uint8Array {
    let v = this.images.get(len);
    // A view of a buffer the module has since grown out of is detached: length 0.
    if (v === undefined || v.length !== len) this.images.set(len, (v = this.u8.subarray(this.input, this.input + len)));
    return v;
  }

  /** Re-creates the views when the module has grown its memory. */
  refresh(): void {
    // Growing a (non-shared) memory detaches the old buffer: a non-empty one is still current,
    // which is cheaper to ask than the Memory's buffer getter.
    if (this.buffer !== undefined && this.buffer.byteLength !== 0) return;
    if (this.buffer === this.memory.buffer) return;
    this.buffer = this.memory.buffer as ArrayBuffer;
    this.u8 = new Uint8Array(this.buffer);
    this.dv = new DataView(this.buffer);
    this.u32 = new Uint32Array(this.buffer);
    this.u64 = new BigUint64Array(this.buffer);
  }

  private invoke(fn: (len: number) => number, len: number, what: string): void {
    if (this.poisoned) throw new PolicyFaultError(this.module.label, 'trap', `instance unusable after an earlier fault (${this.poisoned})`);
    let status: number;
    const budget = this.module.fuel;
    this.fuelSet(budget);
    this.lastBudget = budget;
    this.usedFuel = null;
    // Most calls log nothing: keep the empty array rather than allocate one per event.
    if (this.logs.length !== 0) this.logs = [];
    try {
      status = fn(len);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      this.poisoned = msg;
      if (!(e instanceof GuestAbort) && this.fuelLeft() < 0) {
        this.usedFuel = budget;
        throw new PolicyFaultError(this.module.label, 'fuel', `${what} ran out of fuel: budget of ${budget} units exhausted`);
      }
      this.usedFuel = budget - this.fuelLeft();
      const kind = e instanceof GuestAbort ? 'abort' : 'trap';
      throw new PolicyFaultError(this.module.label, kind, `${what} ${kind === 'abort' ? 'aborted' : 'trapped'}: ${msg}`);
    }
    this.refresh();
    if (status !== Status.OK) {
      throw new PolicyFaultError(this.module.label, 'status', `${what} returned status ${status}`);
    }
  }

  /** Hands the platform blob to the module. */
  init(blob: Uint8Array): void {
    this.refresh();
    this.u8.set(blob, this.input);
    this.invoke(this.fnInit, blob.length, 'hw_init');
  }

  /** Runs hw_event on the `len` bytes the caller wrote at `input`. */
  event(len: number): void {
    this.invoke(this.fnEvent, len, 'hw_event');
  }
}
