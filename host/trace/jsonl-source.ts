// The lines of a JSON Lines trace, split on "\n" as bytes and each decoded as strict UTF-8: a
// line with bytes that are not UTF-8 is damage named at its line (the C host's jansson refuses
// it there too; a lossy decode would have replayed it as if whole). A line may end in "\r\n", as
// JSON Lines allows (a trace that went through a CRLF conversion): the "\r" is dropped, in the C
// host too; elsewhere a "\r" stays in its line.
import { createReadStream } from 'node:fs';
import { InputError } from '../errors.js';

// ignoreBOM: a byte order mark stays in the text (JSON.parse then refuses it, as jansson does).
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** One line's text (a final "\r" dropped), or an InputError naming `file` and the line. */
export function lineText(bytes: Uint8Array, file: string, n: number): string {
  const end = bytes.length > 0 && bytes[bytes.length - 1] === 13 ? bytes.length - 1 : bytes.length;
  try {
    return strict.decode(bytes.subarray(0, end));
  } catch {
    throw new InputError(file, `line ${n}`, 'not UTF-8');
  }
}

/** Streams the lines of `file` (without their "\n") with their 1-based numbers and the bytes read so far. */
export async function* jsonlLines(file: string): AsyncGenerator<{ text: string; n: number; bytes: number }> {
  const stream = createReadStream(file, { highWaterMark: 1 << 16 });
  let carry: Buffer | null = null;
  let n = 0;
  let bytes = 0;
  try {
    for await (const piece of stream as AsyncIterable<Buffer>) {
      let start = 0;
      for (let nl = piece.indexOf(10); nl >= 0; nl = piece.indexOf(10, start)) {
        const part = piece.subarray(start, nl);
        const line = carry ? Buffer.concat([carry, part]) : part;
        carry = null;
        bytes += line.length + 1;
        n++;
        yield { text: lineText(line, file, n), n, bytes };
        start = nl + 1;
      }
      if (start < piece.length) carry = carry ? Buffer.concat([carry, piece.subarray(start)]) : Buffer.from(piece.subarray(start));
    }
    if (carry && carry.length) {
      bytes += carry.length;
      n++;
      yield { text: lineText(carry, file, n), n, bytes };
    }
  } finally {
    stream.destroy();
  }
}
