import { decode } from 'html-entities';
import { stripTags } from './sanitize-html.js';

/** Elements that separate words: without a space "<p>Kernel</p><p>Container</p>" reads "KernelContainer". */
const BLOCK_BOUNDARY = /<(\/?)(address|article|aside|blockquote|br|dd|div|dl|dt|figcaption|figure|footer|h[1-6]|header|hr|li|ol|p|pre|section|table|td|th|tr|ul)\b/gi;

/** Plain text of HTML (or of text with entities): tags stripped, entities decoded, whitespace collapsed. */
export function htmlToText(html: string): string {
  if (!html) return '';
  const spaced = html.replace(BLOCK_BOUNDARY, ' <$1$2');
  // stripTags decodes the HTML and re-escapes &, < and >; one decode yields the text.
  let text = decode(stripTags(spaced), { level: 'html5' });
  // Feeds often escape twice ("&amp;auml;"): a reader wants "ä", not the entity.
  if (/&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});/.test(text)) text = decode(text, { level: 'html5' });
  return collapseWhitespace(text);
}

export function collapseWhitespace(text: string): string {
  return text.replace(/[\s\u00ad\u200b]+/g, (match) => (/^[\u00ad\u200b]+$/.test(match) ? '' : ' ')).trim();
}

/** Cuts at a word boundary so that the result, with "…", has at most `maxChars` characters. */
export function truncateText(text: string, maxChars: number): string {
  const chars = Array.from(text);
  if (chars.length <= maxChars) return text;
  const budget = Math.max(1, maxChars - 1);
  const head = chars.slice(0, budget + 1).join('');
  const lastSpace = head.lastIndexOf(' ');
  const cut = lastSpace >= budget * 0.5 ? head.slice(0, lastSpace) : chars.slice(0, budget).join('');
  return `${cut.replace(/[\s,;:.\-–—]+$/u, '')}…`;
}
