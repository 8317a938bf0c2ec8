// Numbers as the report prints them (the same units as the CLI's text output).

export function formatBytes(n: number): string {
  if (n >= 1 << 30 && n % (1 << 20) === 0) return `${(n / (1 << 30)).toFixed(n % (1 << 30) ? 2 : 0)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(n % (1 << 20) ? 2 : 0)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(n % (1 << 10) ? 1 : 0)} KiB`;
  return `${n} B`;
}

/** "issued of naive" as a percentage, or "-" when naive bracketing issues nothing. */
export function percentOf(part: number, whole: number): string {
  return whole ? `${((100 * part) / whole).toFixed(1)} %` : '-';
}
