// Where an offset of a text stands as jansson (the C host) counts it: the 1-based line, and the
// characters (code points: a UTF-16 pair is one) before the offset on that line.
export interface TextPosition {
  line: number;
  column: number;
}

export function positionOf(text: string, offset: number): TextPosition {
  const lineStart = offset > 0 ? text.lastIndexOf('\n', offset - 1) + 1 : 0;
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < lineStart; i = text.indexOf('\n', i + 1)) line++;
  return { line, column: [...text.slice(lineStart, offset)].length };
}

/** jansson's " near 'TOKEN'": the token as written, shown only when it is at most 20 bytes of UTF-8. */
export function nearToken(token: string): string {
  return token && new TextEncoder().encode(token).length <= 20 ? ` near '${token}'` : '';
}
