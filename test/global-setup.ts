// Builds the policy modules once before any test file runs (tests load the .wasm files).
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, ['scripts/gen-abi.mjs', '--check'], { stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/build-policies.mjs'], { stdio: 'inherit' });
}
