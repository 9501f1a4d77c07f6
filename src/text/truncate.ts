/**
 * Truncation of plain text for people: summaries, titles, authors, URLs in
 * error messages. "…" counts in the limit, characters are code points.
 */

/** Cuts at a word boundary so that the result, with "…", has at most `maxChars` characters (code points). */
export function truncateText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const chars = Array.from(text);
  if (chars.length <= maxChars) return text;
  const budget = Math.max(1, maxChars - 1);
  const head = chars.slice(0, budget + 1).join('');
  const lastSpace = head.lastIndexOf(' ');
  const cut = lastSpace >= budget * 0.5 ? head.slice(0, lastSpace) : chars.slice(0, budget).join('');
  return `${cut.replace(/[\s,;:.\-–—]+$/u, '')}…`;
}
