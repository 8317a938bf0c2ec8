// `heapwise trace dump`: a trace (binary or JSON Lines) as JSON Lines, streamed in big chunks.
import { lineText } from './line-text.js';
import { readTrace } from './reader.js';

/** Writes every line of `file` as JSON Lines text to `out` (in chunks of about 64 KiB, awaiting it); returns the line count. */
export async function dumpTrace(file: string, out: (text: string) => void | Promise<void>): Promise<number> {
  let lines = 0;
  let chunk: string[] = [];
  let size = 0;
  for await (const l of readTrace(file)) {
    const text = lineText(l);
    chunk.push(text, '\n');
    size += text.length + 1;
    lines++;
    if (size >= 1 << 16) {
      await out(chunk.join(''));
      chunk = [];
      size = 0;
    }
  }
  if (chunk.length) await out(chunk.join(''));
  return lines;
}
