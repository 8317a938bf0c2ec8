// Command-line flags of a benchmark entry point, read the same way under Node and Deno
// (Deno 2 has the `process` global), and the one line of JSON each entry prints.

export interface BenchArgs {
  quick: boolean;
  root: string;
  /** Free-form `--key value` pairs. */
  values: Record<string, string>;
}

export function benchArgs(): BenchArgs {
  const argv = process.argv.slice(2);
  const values: Record<string, string> = {};
  let quick = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') quick = true;
    else if (a.startsWith('--') && i + 1 < argv.length) values[a.slice(2)] = argv[++i]!;
  }
  return { quick, root: values.root ?? process.cwd(), values };
}

/** The result line run.mjs reads: the last stdout line starting with BENCH_RESULT. */
export function emit(result: unknown): void {
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

export function note(text: string): void {
  process.stderr.write(`${text}\n`);
}
