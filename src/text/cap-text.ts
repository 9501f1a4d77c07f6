/**
 * The cap for stored HTML. Plain text is cut by truncateText (truncate.ts);
 * the store's migrations and dedupe both use these, never each other.
 */

/** Cut sanitized HTML before the last tag or entity that would be split; browsers close open elements. */
export function capHtml(html: string, max: number): string {
  if (html.length <= max) return html;
  let cut = html.slice(0, max);
  const lt = cut.lastIndexOf('<');
  if (lt > cut.lastIndexOf('>')) cut = cut.slice(0, lt);
  const amp = cut.lastIndexOf('&');
  if (amp > cut.lastIndexOf(';') && amp > cut.lastIndexOf('>')) cut = cut.slice(0, amp);
  return `${cut}…`;
}
