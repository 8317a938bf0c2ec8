// Writing a report: to a temporary file beside the target, then renamed, so a reader never
// sees half a page and a failed write leaves the old file (if any) in place.
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { InputError } from '../errors.js';

export function writeReportFile(path: string, html: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, html, 'utf8');
    renameSync(tmp, path);
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* never created */ }
    throw new InputError(path, '', `cannot write report: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
