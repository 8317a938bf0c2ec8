// Allocation requests (schemas/request.schema.json), checked against the platform's devices.
import { InputError } from '../errors.js';
import { validate } from './schema.js';
import { readJsonFile } from './json-file.js';
import type { Platform } from '../platform/types.js';
import type { AllocateRequest } from '../engine/buffer.js';

/**
 * The engine's default largest allocation (EngineOptions.maxAllocationBytes). The engine
 * enforces it again; checking it here lets the fault name the file and /size.
 */
export const DEFAULT_MAX_ALLOCATION_BYTES = 1024 * 1024 * 1024;

export interface RequestLimits {
  /** The limit of the engine the request is meant for (default DEFAULT_MAX_ALLOCATION_BYTES). */
  maxAllocationBytes?: number;
}

export function parseRequest(json: unknown, platform: Platform, file = '<request>', limits: RequestLimits = {}): AllocateRequest {
  validate('request', json, file);
  const r = json as AllocateRequest;
  const max = limits.maxAllocationBytes ?? DEFAULT_MAX_ALLOCATION_BYTES;
  if (r.size > max) throw new InputError(file, '/size', `allocation of ${r.size} bytes exceeds the engine's limit of ${max} bytes (maxAllocationBytes)`);
  r.devices.forEach((d, k) => {
    if (!platform.deviceIndex.has(d)) {
      throw new InputError(file, `/devices/${k}`, `unknown device ${JSON.stringify(d)} (platform ${platform.name} has ${platform.devices.map((x) => x.name).join(', ') || 'no devices'})`);
    }
  });
  if (r.name !== undefined && new TextEncoder().encode(r.name).length > 31) {
    throw new InputError(file, '/name', `name is ${new TextEncoder().encode(r.name).length} bytes; DMA_BUF_SET_NAME takes at most 31`);
  }
  return r;
}

export function loadRequestFile(file: string, platform: Platform, limits: RequestLimits = {}): AllocateRequest {
  return parseRequest(readJsonFile(file), platform, file, limits);
}
