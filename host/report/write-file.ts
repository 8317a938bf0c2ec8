// Writing a report: to a temporary file beside the target, then renamed, so a reader never
// sees half a page and a failed write leaves the old file (if any) in place. A device or FIFO
// (/dev/stdout) is written directly and a directory refused (host/output-file.ts).
import { writeOutputFile } from '../output-file.js';

export function writeReportFile(path: string, html: string): void {
  writeOutputFile(path, html, 'report');
}
