// The package as people get it: npm pack, install the tarball into an empty directory, run the
// CLI with npx, type-check the library from CommonJS and ESM TypeScript, import it from Deno (the
// Node build, and the Deno entry point heapwise/deno with its types).
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/modules.js';

const run = (cmd: string, args: string[], cwd: string, timeout = 600_000) => {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, npm_config_yes: 'true' } });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}`, stdout: r.stdout };
};

describe('npm package', () => {
  it('packs, installs into an empty directory, and runs npx heapwise decide and Deno imports', () => {
    const dest = mkdtempSync(join(tmpdir(), 'hw-pack-'));
    // --ignore-scripts: npm pack would run `prepare` (npm run build), which empties dist/ while
    // the other suites run the CLI from it. The checkout's dist/ is built (npm install, test.mjs).
    let r = run('npm', ['pack', '--ignore-scripts', '--pack-destination', dest], ROOT);
    expect(r.code, r.out).toBe(0);
    const tgz = readdirSync(dest).find((f) => f.endsWith('.tgz'))!;
    expect(tgz).toMatch(/^heapwise-\d+\.\d+\.\d+\.tgz$/);
    const app = mkdtempSync(join(tmpdir(), 'hw-app-'));
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'hw-app', version: '1.0.0', private: true, type: 'module' }));
    r = run('npm', ['install', '--no-audit', '--no-fund', join(dest, tgz)], app);
    expect(r.code, r.out).toBe(0);
    const pkg = join(app, 'node_modules/heapwise');
    for (const f of ['dist/index.js', 'dist/index.cjs', 'dist/types/index.d.ts', 'dist/types-cjs/index.d.ts', 'dist/types-cjs/package.json', 'dist/deno.js', 'dist/types-deno/bindings/deno/mod.d.ts', 'policies/default/build/default.wasm', 'bindings/c/include/heapwise.h', 'bindings/c/Makefile', 'bindings/node/binding.gyp']) {
      expect(existsSync(join(pkg, f)), f).toBe(true);
    }
    expect(existsSync(join(pkg, 'LICENSE')), 'LICENSE').toBe(true);
    // The addon was built from source on install.
    expect(existsSync(join(pkg, 'bindings/node/build/Release/heapwise.node'))).toBe(true);
    // Only the chunks the bundles use: a build starts from an empty dist/.
    const dist = join(pkg, 'dist');
    const bundles = ['index.js', 'index.cjs', 'cli.js', 'deno.js', ...readdirSync(join(dist, 'chunks')).map((c) => `chunks/${c}`)]
      .filter((f) => existsSync(join(dist, f))).map((f) => readFileSync(join(dist, f), 'utf8')).join('\n');
    for (const c of readdirSync(join(dist, 'chunks'))) expect(bundles.split(c).length - 1, `dist/chunks/${c} is used`).toBeGreaterThan(0);
    // The C library builds from the package (a dry run: its rules need nothing the package lacks).
    // (The image sources' rule is the one that needed files outside the package.)
    r = run('make', ['-n', '-C', join(pkg, 'bindings/c'), join(pkg, 'bindings/c/build/default/policy.c')], app);
    expect(r.code, r.out).toBe(0);
    r = run('npx', ['heapwise', 'decide', '--platform', 'node_modules/heapwise/examples/platforms/rpi4.json', '--request', 'node_modules/heapwise/examples/requests/rpi4-camera-frame.json'], app);
    expect(r.code, r.out).toBe(0);
    expect(JSON.parse(r.stdout).heap).toBe('linux,cma');
    r = run(process.execPath, ['-e', "const h = require('heapwise'); console.log(typeof h.Engine.create)"], app);
    expect(r.stdout.trim(), r.out).toBe('function');
    // One set of declarations serves both entry points: they must export the same names.
    r = run(process.execPath, ['-e', "import('heapwise').then((m) => console.log(JSON.stringify([Object.keys(require('heapwise')).sort(), Object.keys(m).sort()])))"], app);
    expect(r.code, r.out).toBe(0);
    const [cjsNames, esmNames] = JSON.parse(r.stdout) as string[][];
    expect(cjsNames, r.out).toEqual(esmNames);
    expect(cjsNames).toEqual(expect.arrayContaining(['Engine', 'PolicyModule', 'abi']));
    // TypeScript consumers under node16 resolution, each getting the types of its flavour: a
    // CommonJS package (no "type": a require of ESM-flavoured types is TS1479) compiled and run,
    // and an ESM one type-checked.
    const consumer = `import { Engine, PolicyModule, abi, type Platform } from 'heapwise';
const platform: Platform | null = null;
console.log(JSON.stringify({ create: typeof Engine.create, PolicyModule: typeof PolicyModule, abi: typeof abi.ABI_MAJOR, platform }));
`;
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    for (const [dir, type, noEmit] of [['cjs', undefined, false], ['esm', 'module', true]] as const) {
      mkdirSync(join(app, dir));
      writeFileSync(join(app, dir, 'package.json'), JSON.stringify({ name: `hw-${dir}`, version: '1.0.0', private: true, type }));
      writeFileSync(join(app, dir, 'tsconfig.json'), JSON.stringify({
        compilerOptions: { module: 'node16', moduleResolution: 'node16', target: 'es2022', strict: true, noEmit, outDir: 'out', types: [] },
        files: ['main.ts'],
      }));
      writeFileSync(join(app, dir, 'main.ts'), consumer);
      r = run(process.execPath, [tsc, '-p', join(app, dir)], app);
      expect(r.code, `${dir}: ${r.out}`).toBe(0);
    }
    expect(readFileSync(join(app, 'cjs/out/main.js'), 'utf8')).toContain('require("heapwise")');
    r = run(process.execPath, ['out/main.js'], join(app, 'cjs'));
    expect(r.code, r.out).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ create: 'function', PolicyModule: 'function', abi: 'number', platform: null });
    writeFileSync(join(app, 'main.ts'), `import { Engine, loadPolicyFile, loadPlatformFile } from 'heapwise';
const p = loadPlatformFile('node_modules/heapwise/examples/platforms/rpi5.json');
const e = Engine.create(await loadPolicyFile('default'), p);
const b = e.allocate({ size: 1 << 20, devices: [p.devices[0]!.name], cpu: 'read' });
console.log(JSON.stringify({ heap: b.heap, host: typeof Deno }));
e.dispose();
`);
    const deno = join(ROOT, 'node_modules/.bin/deno');
    r = run(deno, ['run', '--allow-read', '--allow-env', 'main.ts'], app);
    expect(r.code, r.out).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!)).toMatchObject({ host: 'object' });
    // heapwise/deno: dist/deno.js with its own declarations, no --sloppy-imports. KernelBackend
    // looks for the C library in the package, which npm install does not build.
    writeFileSync(join(app, 'main-deno.ts'), `import { Engine, HOST, KernelBackend, KernelLibraryError, loadPolicyFile, parsePlatform, type Decision } from 'heapwise/deno';
const platform = parsePlatform({
  name: 'pack-board',
  heaps: [{ name: 'linux,cma', size: 16 * 1024 * 1024, maxAddressBits: 32 }, { name: 'system' }],
  devices: [{ name: 'camera', dmaMaskBits: 32, iommu: false, coherent: false }],
});
const engine = Engine.create(await loadPolicyFile('default'), platform);
const buffer = engine.allocate({ size: 1 << 20, devices: ['camera'], cpu: 'read' });
const decision: Decision | null = buffer.decision;
const host: 'deno' = HOST;
let kernel: { name: string; message: string; library: boolean };
try {
  new KernelBackend().dispose();
  kernel = { name: 'none', message: 'KernelBackend loaded', library: false };
} catch (e) {
  const err = e as Error;
  kernel = { name: err.name, message: err.message, library: e instanceof KernelLibraryError };
}
console.log(JSON.stringify({ heap: decision?.heap ?? null, host, kernel }));
engine.dispose();
`);
    r = run(deno, ['check', 'main-deno.ts'], app);
    expect(r.code, r.out).toBe(0);
    r = run(deno, ['run', '--allow-read', '--allow-ffi', '--allow-env', 'main-deno.ts'], app);
    expect(r.code, r.out).toBe(0);
    const library = join(realpathSync(app), 'node_modules/heapwise/bindings/c/build/libheapwise.so');
    expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!), r.out).toEqual({
      heap: 'linux,cma',
      host: 'deno',
      kernel: { name: 'KernelLibraryError', message: `heapwise kernel library not found at ${library}; build it with: make -C bindings/c`, library: true },
    });
  }, 900_000);
});
