// A policy module handed to a scenario as its bytes, read once on the Deno side: both hosts then
// load the very same module even while `npm run build:policies` rewrites the file.
import { readFileSync } from 'node:fs';
import { PolicyModule } from '../../../host/index.ts';

export interface PolicyInput {
  /** The file it was read from: the module's label in messages and trace headers. */
  path: string;
  base64: string;
}

export function readPolicy(path: string): PolicyInput {
  let binary = '';
  for (const b of readFileSync(path)) binary += String.fromCharCode(b);
  return { path, base64: btoa(binary) };
}

export function compilePolicy(p: PolicyInput): Promise<PolicyModule> {
  return PolicyModule.compile(Uint8Array.from(atob(p.base64), (c) => c.charCodeAt(0)), { label: p.path });
}
