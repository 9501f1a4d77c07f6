import { decode } from 'html-entities';
import { runHtmlPass } from './sanitize-html.js';

export interface SanitizedWithText {
  /** Safe HTML (see sanitize-html.ts). */
  html: string;
  /** Its plain text: entities decoded, whitespace collapsed. */
  text: string;
}

/** Safe HTML and its plain text from one walk of the markup. */
export function sanitizeWithText(html: string, baseUrl: string | undefined): SanitizedWithText {
  if (!html.trim()) return { html: '', text: '' };
  const pass = runHtmlPass(html, baseUrl, true);
  return { html: pass.html, text: finishText(pass.escapedText) };
}

/** Plain text of HTML (or of text with entities): tags stripped, entities decoded, whitespace collapsed. */
export function htmlToText(html: string): string {
  if (!html) return '';
  // Most titles, authors and categories are plain text: nothing to parse.
  if (!/[<&]/.test(html)) return collapseWhitespace(html);
  return finishText(runHtmlPass(html, undefined, false).escapedText);
}

export function collapseWhitespace(text: string): string {
  return text.replace(/[\s\u00ad\u200b]+/g, (match) => (/^[\u00ad\u200b]+$/.test(match) ? '' : ' ')).trim();
}

/** The walk's text is HTML-escaped; one decode yields the text. */
function finishText(escaped: string): string {
  let text = decode(escaped, { level: 'html5' });
  // Feeds often escape twice ("&amp;auml;"): a reader wants "ä", not the entity.
  if (/&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});/.test(text)) text = decode(text, { level: 'html5' });
  return collapseWhitespace(text);
}
