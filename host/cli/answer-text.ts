// An answer line decoded for people: ops with their flags and explanations with their reasons.
import { SubjectName, VerdictName, ReasonName } from '../abi/generated.js';

const SYNC = (arg: number) => `${arg & 4 ? 'END' : 'START'}|${['?', 'READ', 'WRITE', 'RW'][arg & 3]}`;

export function describeAnswer(line: string): string {
  if (!line.startsWith('{')) return `  ${line}`;
  const a = JSON.parse(line) as { ops: { kind: string; buf: number; heap: number; arg: number; value: string; name?: string }[]; explain: number[][]; state: string };
  const ops = a.ops.map((o) => {
    if (o.kind === 'ALLOC') return `ALLOC buffer ${o.buf} from heap ${o.heap}, ${o.value} bytes, fd flags 0x${o.arg.toString(16)}`;
    if (o.kind === 'SYNC') return `SYNC buffer ${o.buf} ${SYNC(o.arg)}`;
    if (o.kind === 'SET_NAME') return `SET_NAME buffer ${o.buf} "${o.name}"`;
    if (o.kind === 'FAIL') return `FAIL buffer ${o.buf}: ${ReasonName[o.arg] ?? o.arg}`;
    return JSON.stringify(o);
  });
  const ex = a.explain.map(([s, v, c, h, d, det]) => `${SubjectName[s!]} ${VerdictName[v!]} ${ReasonName[c!] ?? c}${h! >= 0 ? ` heap ${h}` : ''}${d! >= 0 ? ` device ${d}` : ''}${det ? ` (${det})` : ''}`);
  return [`  ops: ${ops.length ? '' : 'none'}`, ...ops.map((o) => `    ${o}`), `  reasons:`, ...ex.map((e) => `    ${e}`), `  state: ${a.state}`].join('\n');
}
