// Allocation requests (schemas/request.schema.json), checked against the platform's devices.
import { InputError } from '../errors.js';
import { validate } from './schema.js';
import { readJsonFile } from './json-file.js';
import type { Platform } from '../platform/types.js';
import type { AllocateRequest } from '../engine/buffer.js';

export function parseRequest(json: unknown, platform: Platform, file = '<request>'): AllocateRequest {
  validate('request', json, file);
  const r = json as AllocateRequest;
  r.devices.forEach((d, k) => {
    if (!platform.deviceIndex.has(d)) {
      throw new InputError(file, `/devices/${k}`, `unknown device "${d}" (platform ${platform.name} has ${platform.devices.map((x) => x.name).join(', ')})`);
    }
  });
  if (r.name !== undefined && new TextEncoder().encode(r.name).length > 31) {
    throw new InputError(file, '/name', `name is ${new TextEncoder().encode(r.name).length} bytes; DMA_BUF_SET_NAME takes at most 31`);
  }
  return r;
}

export function loadRequestFile(file: string, platform: Platform): AllocateRequest {
  return parseRequest(readJsonFile(file), platform, file);
}
