// The heapwise command line: a thin shell over the library's public API.
import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from './run-command.js';
import { CommanderError, commanderExit } from './usage.js';
import { decide } from './decide.js';
import { inspect } from './inspect.js';
import { simulate } from './simulate.js';
import { demo } from './demo.js';
import { replay } from './replay.js';
import { traceDump } from './trace-dump.js';
import { diff } from './diff.js';
import { explain } from './explain.js';
import { probe } from './probe.js';
import { testPolicyCommand } from './test-policy.js';
import { scaffoldPolicy } from '../authoring/scaffold.js';
import { buildPolicy } from '../authoring/build.js';
import { compilePolicy } from '../compile/compile.js';
import { resolvePolicyPath } from '../module/load-file.js';
import { packageRoot } from '../paths.js';

/** The installed package's version (package.json beside dist/ or the checkout). */
function packageVersion(): string {
  try {
    return String((JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: unknown }).version);
  } catch {
    return 'unknown';
  }
}

export function program(): Command {
  const p = new Command('heapwise')
    .description('DMA-BUF heap selection and cache-domain policy engine (sandboxed WebAssembly policies)')
    .addHelpText('after', '\nExit codes: 0 ok, 1 internal error or policy fault, 2 bad input, 3 nothing fits, 4 coherency violations or failed checks, 5 replay diverged, 6 kernel or system unavailable.')
    // Set before any subcommand is added: subcommands copy these. Parse errors come back to
    // main() as exceptions and are told in one line there (usage.ts); help still goes to stdout.
    .exitOverride()
    .configureOutput({ writeErr: () => {}, outputError: () => {} })
    .version(packageVersion(), '-V, --version', 'print the heapwise version');

  p.command('decide')
    .description('place one request on a platform and print the decision as JSON')
    .requiredOption('--platform <file>', 'platform JSON')
    .requiredOption('--request <file>', 'request JSON')
    .option('--policy <wasm>', 'policy module (path, or a built-in name: default, naive, android-compat, ...)')
    .option('--table', 'print a table instead of JSON')
    .option('--log', 'grant a debug build its log sink and print its lines on stderr')
    .action(runCommand(decide));

  p.command('inspect')
    .description("print a module's ABI version, identity, sha256, imports, exports, memory limits and whether this host accepts it")
    .argument('<wasm>', 'policy module (path, or a built-in name)')
    .option('--json', 'JSON output')
    .action(runCommand((file: string, o: { json?: boolean }) => inspect(file, o)));

  p.command('simulate')
    .description('run a workload through a policy with the coherency referee; exit 4 on violations')
    .requiredOption('--workload <file>', 'workload JSON')
    .option('--platform <file>', 'platform JSON (overrides the workload\'s)')
    .option('--policy <wasm>', 'policy module (path, or a built-in name: default, naive, android-compat, ...)')
    .option('--fallback <wasm>', 'policy that replaces a faulting module (default: default; none: a fault ends the session)')
    .addOption(new Option('--backend <name>', 'where operations execute').choices(['model', 'kernel']).default('model'))
    .option('--record <trace>', 'record the session as a trace (docs/trace.md): binary if it ends in .hwtrace, else JSON Lines')
    .option('--log', 'grant a debug build its log sink and print its lines on stderr')
    .option('--report <html>', 'write a self-contained HTML report with charts')
    .option('--json', 'JSON output')
    .action(runCommand(simulate));

  p.command('replay')
    .description('replay a trace through its module (or --policy) and compare every answer byte for byte; exit 5 on divergence')
    .argument('<trace>', 'trace file (binary .hwtrace or JSON Lines)')
    .option('--policy <wasm>', 'replay with this module instead of the recorded one')
    .option('--json', 'JSON output')
    .option('--log', "print the recorded log lines (and a debug module's own) on stderr as replay meets them")
    .action(runCommand((t: string, o: { policy?: string; json?: boolean; log?: boolean }) => replay(t, o)));

  p.command('trace')
    .description('work with trace files')
    .command('dump')
    .description('print a trace (binary .hwtrace or JSON Lines) as JSON Lines: byte for byte what a JSON Lines recording of the session holds')
    .argument('<trace>', 'trace file')
    .action(runCommand((t: string) => traceDump(t)));

  p.command('diff')
    .description('re-run a trace under two policies on the model backend and report what differs')
    .argument('<trace>', 'trace file (binary .hwtrace or JSON Lines)')
    .option('--policy <wasm>', 'a policy (give it twice: A then B)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--first <n>', 'how many differing calls to list', '20')
    .option('--report <html>', 'write a self-contained HTML report with charts')
    .option('--json', 'JSON output')
    .action(runCommand((t: string, o: { policy?: string[]; json?: boolean; first?: string; report?: string }) => diff(t, o)));

  p.command('explain')
    .description('explain one decision: heaps kept and rejected, ranking, syncs and domain state, the policy log')
    .option('--platform <file>', 'platform JSON (with --request)')
    .option('--request <file>', 'request JSON')
    .option('--trace <file>', 'a trace (with --event)')
    .option('--event <n>', 'event index in the trace')
    .option('--policy <wasm>', 'policy module (default: the default policy, or the trace\'s)')
    .option('--log', 'grant a debug build its log sink')
    .option('--json', 'JSON output')
    .action(runCommand(explain));

  p.command('test-policy')
    .description('run any module against the bundled boards, requests and workloads: placement properties, coherency, syncs, determinism')
    .argument('<wasm>', 'policy module (path or built-in name)')
    .option('--log', 'accepted for compatibility: a debug build always gets its log sink here (lines are not printed)')
    .option('--json', 'JSON output')
    .action(runCommand((f: string, o: { json?: boolean; log?: boolean }) => testPolicyCommand(f, o)));

  p.command('new-policy')
    .description('scaffold a policy module that builds and passes its own test')
    .argument('<name>', 'policy name (lowercase, dashes)')
    .option('--dir <dir>', 'where to create it (default: policies/<name>)')
    .action(runCommand((name: string, o: { dir?: string }) => {
      const files = scaffoldPolicy(name, o.dir ?? `policies/${name}`);
      process.stdout.write(`created\n${files.map((f) => `  ${f}`).join('\n')}\nnext: npx heapwise build ${o.dir ?? `policies/${name}`}\n`);
    }));

  p.command('build')
    .description('compile a policy folder (index.ts) to <dir>/build/<name>.wasm')
    .argument('<dir>', 'policy folder')
    .option('--debug', 'the debug variant (wasi-shim console.log to the host\'s log sink)')
    .action(runCommand(async (dir: string, o: { debug?: boolean }) => {
      process.stdout.write(`built ${await buildPolicy(dir, o.debug ? { debug: true } : {})}\n`);
    }));

  p.command('compile')
    .description('turn a policy module into a shared object the C library loads with dlopen (wasm2c + cc)')
    .argument('<wasm>', 'policy module (path or built-in name)')
    .requiredOption('-o, --output <so>', 'the shared object to write')
    .option('--manifest <file>', 'check this manifest and ship it beside the .so (default: X.manifest.json beside X.wasm)')
    .action(runCommand(async (wasm: string, o: { output: string; manifest?: string }) => {
      await compilePolicy(resolvePolicyPath(wasm), o.output, o.manifest ? { manifestPath: o.manifest } : {});
      process.stdout.write(`compiled ${o.output}\n`);
    }));

  p.command('probe')
    .description('list /dev/dma_heap/* and /dev/udmabuf with their kinds, access and CMA counters')
    .option('--json', 'JSON output')
    .option('--write <platform.json>', 'write a platform file with the heaps found, to complete with devices')
    .action(runCommand(probe));

  p.command('demo', { isDefault: false })
    .description('place the example requests of a bundled board and simulate a bundled workload (npm start)')
    .option('--board <name>', 'examples/platforms/<name>.json', 'rpi4')
    .option('--workload <name>', 'examples/workloads/<name>.json', 'camera-isp-display')
    .action(runCommand(demo));

  return p;
}

export async function main(argv = process.argv): Promise<void> {
  // Output piped into `head` and the like: a reader that stops early is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  const p = program();
  try {
    await p.parseAsync(argv);
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    process.exitCode = commanderExit(e, p, argv.slice(2));
  }
}
