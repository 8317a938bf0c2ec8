// Fuel-instrumented modules kept on disk: instrumenting costs about half a second (loading
// binaryen, then its inlining pass), a cached module one small file read. The entry is named by
// what decides its bytes (the sha256 of the module as given, its start function, the
// instrumentation's version and binaryen's), and starts with the sha256 of the rest, so a
// truncated or damaged entry is noticed and rebuilt. The cache is a speed-up only: every failure
// to read or write it (no HOME, a read-only disk, Deno without --allow-env or --allow-write)
// falls back to instrumenting in memory, silently. Under Deno it is used only where env, sys and
// write access were granted already: Deno would otherwise prompt on a terminal for them.
//
// Where: $HEAPWISE_CACHE_DIR, else $XDG_CACHE_HOME/heapwise, else ~/.cache/heapwise, in a
// fuel/ subdirectory. HEAPWISE_CACHE=off turns it off. It holds code that runs in the sandbox
// with the user's trust in the cache directory, which is the user's own, like the modules.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { FUEL_INSTRUMENTATION, instrumentFuel } from './fuel.js';

const HASH = 32;

/** The directory entries go to, or null when caching is off or no place is known. */
export function fuelCacheDir(): string | null {
  if (!granted()) return null;
  try {
    const env = process.env;
    if (env.HEAPWISE_CACHE === 'off') return null;
    const base = env.HEAPWISE_CACHE_DIR || (env.XDG_CACHE_HOME ? join(env.XDG_CACHE_HOME, 'heapwise') : join(homedir(), '.cache', 'heapwise'));
    return join(base, 'fuel');
  } catch {
    return null;
  }
}

type DenoPermissions = { permissions: { querySync(d: { name: string }): { state: string } } };

function granted(): boolean {
  const deno = (globalThis as { Deno?: DenoPermissions }).Deno;
  if (deno === undefined) return true;
  try {
    return ['env', 'sys', 'read', 'write'].every((name) => deno.permissions.querySync({ name }).state === 'granted');
  } catch {
    return false;
  }
}

let binaryenVersion: string | null | undefined;
let writes = 0;

/** binaryen's version (its output may change between releases), or null when it cannot be read. */
function binaryen(): string | null {
  if (binaryenVersion !== undefined) return binaryenVersion;
  try {
    const pj = createRequire(import.meta.url).resolve('binaryen/package.json');
    binaryenVersion = String((JSON.parse(readFileSync(pj, 'utf8')) as { version: unknown }).version);
  } catch {
    binaryenVersion = null;
  }
  return binaryenVersion;
}

/** File name of the entry for a module (`sha256` of its bytes as given). */
export function fuelCacheEntry(sha256: string, startFunction: number | null): string | null {
  const b = binaryen();
  if (b === null) return null;
  return `${sha256}-s${startFunction ?? 'none'}-f${FUEL_INSTRUMENTATION}-binaryen${b}.wasm`;
}

/** instrumentFuel(bytes, startFunction), from the cache when it holds a sound entry. */
export async function instrumentFuelCached(bytes: Uint8Array, sha256: string, startFunction: number | null): Promise<Uint8Array> {
  const dir = fuelCacheDir();
  const name = dir === null ? null : fuelCacheEntry(sha256, startFunction);
  if (dir === null || name === null) return instrumentFuel(bytes, startFunction);
  const file = join(dir, name);
  const hit = read(file);
  if (hit) return hit;
  const out = await instrumentFuel(bytes, startFunction);
  write(dir, file, out);
  return out;
}

function read(file: string): Uint8Array | null {
  let raw: Uint8Array;
  try {
    raw = readFileSync(file);
  } catch {
    return null;
  }
  if (raw.length <= HASH) return null;
  // A plain Uint8Array over the same memory (readFileSync gives a Buffer).
  const body = new Uint8Array(raw.buffer, raw.byteOffset + HASH, raw.length - HASH);
  const sum = createHash('sha256').update(body).digest();
  for (let i = 0; i < HASH; i++) if (sum[i] !== raw[i]) return null;
  return body;
}

/** Temporary file, then rename: readers (other processes, test workers) see a whole entry or none. */
function write(dir: string, file: string, body: Uint8Array): void {
  // Unique per process, thread (vitest workers share a pid) and write.
  const tmp = `${file}.tmp-${process.pid}-${threadId}-${writes++}`;
  try {
    mkdirSync(dir, { recursive: true });
    const raw = new Uint8Array(HASH + body.length);
    raw.set(createHash('sha256').update(body).digest(), 0);
    raw.set(body, HASH);
    writeFileSync(tmp, raw);
    renameSync(tmp, file);
  } catch {
    try { unlinkSync(tmp); } catch { /* never written */ }
  }
}
