// A trace line sink that does what TraceFile does (collect lines, join them into 64 KiB chunks)
// but drops each chunk instead of writing it: recording cost without the disk.
import type { LineSink } from '../../host/trace/recorder.js';

export class MemorySink {
  lines = 0;
  bytes = 0;
  private chunks: string[] = [];
  private size = 0;

  readonly line: LineSink = (text) => {
    this.chunks.push(text, '\n');
    this.size += text.length + 1;
    this.lines++;
    if (this.size >= 1 << 16) this.flush();
  };

  flush(): void {
    this.bytes += this.chunks.join('').length;
    this.chunks = [];
    this.size = 0;
  }
}
