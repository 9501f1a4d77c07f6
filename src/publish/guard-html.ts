/**
 * The publish side's last line of defence for article HTML. normalize already
 * sanitizes on ingest, but the store outlives any version of those rules, and
 * a reader that renders our feed trusts us, not the source. Same sanitizer
 * configuration as ingest (normalize/sanitize-html.ts): what ingest stored
 * passes unchanged, older or foreign HTML is brought under today's rules.
 * Without a base URL, only absolute http(s) and mailto URLs survive.
 */
import { sanitizeContent } from '../normalize/sanitize-html.js';
import { stripIllegalChars } from './xml-text.js';

export function guardHtml(html: string): string {
  if (!html) return '';
  return stripIllegalChars(sanitizeContent(html, undefined)).trim();
}
