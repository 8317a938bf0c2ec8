// A progress bar (cli-progress) on stderr for long runs, only when stderr is a terminal.
import cliProgress from 'cli-progress';

export interface Progress {
  update: (done: number, total: number) => void;
  stop: () => void;
}

export function progressBar(label: string, total: number, minTotal = 200_000): Progress | null {
  if (!process.stderr.isTTY || total < minTotal) return null;
  const bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {percentage}% {value}/{total} events`, stream: process.stderr, hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic);
  bar.start(total, 0);
  return {
    update: (done) => bar.update(done),
    stop: () => bar.stop(),
  };
}
