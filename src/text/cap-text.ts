/**
 * Caps for stored text. Stored data never depends on dedupe or the store
 * importing each other: both use these.
 */

/** Cut plain text at a word boundary where one is near, ending with "…". */
export function capPlain(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}

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
