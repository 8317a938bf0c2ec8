// Command-line usage errors: a wrong command, option or argument combination is bad input
// (exit 2), told in one line with a pointer to the command's --help, never the whole help text.
import { CommanderError, type Command } from 'commander';
import { EXIT, UsageError } from '../errors.js';

/** An argument the command cannot use, found after commander parsed the line. */
export class ArgumentUsageError extends UsageError {
  constructor(readonly command: string, detail: string) {
    super(detail);
    this.name = 'ArgumentUsageError';
  }
}

/** "heapwise trace" for `trace foo --x`: the command words of argv that name known commands. */
export function commandPath(root: Command, args: string[]): string {
  const words = [root.name()];
  let cmd: Command | undefined = root;
  for (const a of args) {
    if (a.startsWith('-')) break;
    cmd = cmd.commands.find((c) => c.name() === a || c.aliases().includes(a));
    if (!cmd) break;
    words.push(cmd.name());
  }
  return words.join(' ');
}

export function usageLine(message: string, command: string): string {
  return `heapwise: ${message} (see ${command} --help)\n`;
}

/**
 * The exit code for a commander parse outcome, after writing its one-line message. Help and
 * --version asked for are exit 0; everything else commander rejects is a usage error.
 */
export function commanderExit(err: CommanderError, root: Command, args: string[]): number {
  if (err.exitCode === 0) return EXIT.OK;
  const path = commandPath(root, args);
  let message = err.message.replace(/^error: /, '');
  if (err.code === 'commander.help') {
    // Commander reports a missing command (or `help <unknown>`) by writing help to stderr,
    // which main() silences: say which in one line instead.
    const rest = args.filter((a) => !a.startsWith('-')).slice(path.split(' ').length - 1);
    message = rest.length ? `unknown command '${rest[rest.length - 1]}'` : 'missing command';
  }
  process.stderr.write(usageLine(message, path));
  return EXIT.BAD_INPUT;
}

export { CommanderError };
