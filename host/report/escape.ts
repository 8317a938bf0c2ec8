// Escaping for the HTML report. Every string that came from an input file (workload, platform,
// trace, policy names, violation details) passes through one of these before it reaches the page.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for element content and quoted attribute values. */
export function escapeHtml(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * JSON for a `<script type="application/json">` block: `<`, `>` and `&` become \u escapes, so
 * no `</script` or `<!--` can end or change the block, and U+2028/2029 cannot break older parsers.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Code or CSS inlined in a `<script>` or `<style>` element. Rewriting code is unsafe, so text
 * that could end the element or open an HTML comment is refused instead.
 */
export function rawText(text: string, element: 'script' | 'style', what: string): string {
  if (new RegExp(`</${element}|<!--`, 'i').test(text)) throw new Error(`${what} contains "</${element}" or "<!--" and cannot be inlined in the report`);
  return text;
}
