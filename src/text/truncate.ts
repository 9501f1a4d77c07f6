/**
 * The one home of text truncation: summaries, titles, authors, error
 * messages and stored content are all cut here, with "…" counted in the limit.
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

/**
 * Cuts sanitized HTML to at most `maxChars` UTF-16 units plus "…", before the
 * last tag or entity that would be split; browsers close open elements.
 */
export function truncateHtml(html: string, maxChars: number): string {
  if (html.length <= maxChars) return html;
  let cut = html.slice(0, maxChars);
  const lt = cut.lastIndexOf('<');
  if (lt > cut.lastIndexOf('>')) cut = cut.slice(0, lt);
  const amp = cut.lastIndexOf('&');
  if (amp > cut.lastIndexOf(';') && amp > cut.lastIndexOf('>')) cut = cut.slice(0, amp);
  return `${cut}…`;
}
