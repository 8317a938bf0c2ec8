// errno numbers to names for messages (Linux x86_64 / arm64 values).
import { ERRNO } from './backend.js';

const NAMES = Object.fromEntries(Object.entries(ERRNO).map(([k, v]) => [v, k]));

export function errnoName(n: number): string {
  return NAMES[n] ?? `errno ${n}`;
}
