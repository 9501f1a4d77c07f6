/**
 * Plain text from stored (already sanitized) HTML, for the stages that only
 * need words: classification and same-story merging.
 */
const SCRIPT_STYLE_RE = /<(script|style)\b[\s\S]*?<\/\1\s*>/gi;
/** The six spellings the removal was ever asked for (a tag's name after "<"); the classifier's reader checks the same ones. */
export const SCRIPT_OR_STYLE_SPELLINGS: readonly string[] = ['script', 'style', 'SCRIPT', 'STYLE', 'Script', 'Style'];
// In one pass (six `includes` scanned the text six times).
const SCRIPT_OR_STYLE_TAG = new RegExp(`<(?:${SCRIPT_OR_STYLE_SPELLINGS.join('|')})`);
const TAG_RE = /<[^>]*>/g;
const ENTITY_RE = /&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi;
const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', shy: '',
  auml: 'ä', ouml: 'ö', uuml: 'ü', Auml: 'Ä', Ouml: 'Ö', Uuml: 'Ü', szlig: 'ß',
  ndash: '–', mdash: '—', hellip: '…', bdquo: '„', ldquo: '“', rdquo: '”',
};

/**
 * Plain text from stored (already sanitized) HTML. Deliberately a regex pass,
 * not a parser: classification only needs the words, and the curate step runs
 * this for tens of thousands of articles after every rules edit.
 */
export function stripHtml(html: string): string {
  let text = html;
  if (text.includes('<')) {
    // Sanitized content has no script or style left; only pay for the removal when one is there.
    if (SCRIPT_OR_STYLE_TAG.test(text)) text = text.replace(SCRIPT_STYLE_RE, ' ');
    text = text.replace(TAG_RE, ' ');
  }
  if (!text.includes('&')) return text;
  return text.replace(ENTITY_RE, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
    }
    return NAMED[name] ?? whole;
  });
}
