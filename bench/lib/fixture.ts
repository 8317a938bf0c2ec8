// The benchmark's typical platform and request (bench/fixtures/), the default policy module,
// and the calibration every TypeScript benchmark times beside its subject: the native
// TypeScript decision on the fixture, so results travel between machines as ratios.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PolicyModule } from '../../host/module/policy-module.js';
import { parsePlatform } from '../../host/platform/parse.js';
import type { Platform } from '../../host/platform/types.js';
import { nativeRequest, type BenchRequest } from '../decision/request.js';
import { decideNative } from '../native/default-policy.js';
import type { Subject } from './batches.js';

export interface Fixture {
  platform: Platform;
  request: BenchRequest;
}

export function loadFixture(root: string): Fixture {
  const file = join(root, 'bench/fixtures/camera-soc.json');
  const platform = parsePlatform(JSON.parse(readFileSync(file, 'utf8')), file);
  const request = JSON.parse(readFileSync(join(root, 'bench/fixtures/camera-preview-request.json'), 'utf8')) as BenchRequest;
  return { platform, request };
}

export async function loadPolicy(root: string, name = 'default'): Promise<PolicyModule> {
  return PolicyModule.compile(readFileSync(join(root, `policies/${name}/build/${name}.wasm`)), { label: name });
}

/** One native TypeScript decision on the fixture: the unit the other figures are divided by. */
export function calibration(f: Fixture): Subject {
  const req = nativeRequest(f.platform, f.request);
  return (n) => { let s = 0; for (let i = 0; i < n; i++) s += decideNative(f.platform, req).heap; return s; };
}
