/**
 * Truncation of plain text for people: summaries, titles, authors, URLs in
 * error messages. "…" counts in the limit, characters are code points.
 */

/** Cuts at a word boundary so that the result, with "…", has at most `maxChars` characters (code points). */
export function truncateText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  // Only the first maxChars + 1 code points matter: a summary is cut from a whole article's text.
  if (afterCodePoints(text, maxChars) === text.length) return text;
  const budget = Math.max(1, maxChars - 1);
  const head = text.slice(0, afterCodePoints(text, budget + 1));
  const lastSpace = head.lastIndexOf(' ');
  const cut = lastSpace >= budget * 0.5 ? head.slice(0, lastSpace) : text.slice(0, afterCodePoints(text, budget));
  return `${cut.replace(/[\s,;:.\-–—]+$/u, '')}…`;
}

/**
 * The index just after the first `count` code points of `text` as its
 * iterator counts them (a surrogate pair is one, a lone surrogate too), or its
 * length when it has no more.
 */
export function afterCodePoints(text: string, count: number): number {
  let index = 0;
  for (let n = 0; n < count && index < text.length; n++) index += (text.codePointAt(index) ?? 0) > 0xffff ? 2 : 1;
  return index;
}
