/**
 * The one German case and umlaut folding of the project. Rule compilation,
 * classification and same-story merging all fold with it, so that a term, the
 * text it is looked for in and two reports of one event meet exactly alike.
 */

const UMLAUTS: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss' };
const UMLAUT_RE = /[äöüß]/g;
// Any other Latin letter with a diacritic (é, ñ, ł …): rare in German news, so
// the costly NFD pass only runs when one is present.
const OTHER_DIACRITIC_RE = /[\u00c0-\u024f]/;
const COMBINING_MARKS_RE = /[\u0300-\u036f]/g;

/** Lower-case, ä→ae ö→oe ü→ue ß→ss, other diacritics dropped. Keeps string length semantics irrelevant: offsets refer to the folded text. */
export function foldText(text: string): string {
  let out = text.toLowerCase().replace(UMLAUT_RE, (c) => UMLAUTS[c] ?? c);
  if (OTHER_DIACRITIC_RE.test(out)) out = out.normalize('NFD').replace(COMBINING_MARKS_RE, '');
  return out;
}
