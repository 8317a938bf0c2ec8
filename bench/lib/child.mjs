// Runs one benchmark as a child process and takes its BENCH_RESULT line. A crash, a timeout or
// a missing result line is a failure of that benchmark (the run goes on and exits non-zero);
// slow numbers never are.
import { spawn } from 'node:child_process';

export function runChild(command, args, { cwd, timeoutMs, env, onLine } = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (b) => { stdout += b; });
    child.stderr.on('data', (b) => {
      stderr += b;
      if (onLine) for (const l of String(b).split('\n')) if (l.trim()) onLine(l);
    });
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs ?? 600_000);
    child.on('error', (e) => { stderr += String(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').reverse().find((l) => l.startsWith('BENCH_RESULT '));
      let result = null;
      let error = null;
      if (line) {
        try { result = JSON.parse(line.slice('BENCH_RESULT '.length)); } catch (e) { error = `unreadable result line: ${e.message}`; }
      }
      if (timedOut) error = `timed out after ${Math.round((timeoutMs ?? 600_000) / 1000)} s`;
      else if (code !== 0) error = `exited ${code ?? signal}: ${stderr.trim().split('\n').slice(-12).join('\n')}`;
      else if (!result && !error) error = 'printed no BENCH_RESULT line';
      resolve({ ok: !error, result, error, seconds: (Date.now() - started) / 1000, stderr });
    });
  });
}
