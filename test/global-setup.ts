// Builds the policy modules and the CLI bundle once before any test file runs.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, ['scripts/gen-abi.mjs', '--check'], { stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/build-policies.mjs'], { stdio: 'inherit' });
  execFileSync(process.execPath, ['node_modules/rollup/dist/bin/rollup', '-c', 'rollup.config.mjs', '--silent'], { stdio: 'inherit' });
}
