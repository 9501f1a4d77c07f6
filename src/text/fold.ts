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

/** How foldText folds one character: `plain` in a text it does not decompose, `decomposed` in one it does. */
export interface CharFold {
  plain: string;
  decomposed: string;
  /** Does this character alone make foldText decompose the whole text (OTHER_DIACRITIC_RE)? */
  decomposes: boolean;
}

/**
 * foldText of one UTF-16 unit, for readers that fold character by character (tokenize.ts): foldText of a
 * text is the concatenation of its characters' folds, all `plain` or all `decomposed` (if any of them
 * `decomposes`), as long as every character is one this answers for. It answers only for the Latin,
 * punctuation and symbol blocks, where lower-casing is one unit to one and needs no context (not Σ, İ) and
 * each character decomposes on its own (no combining marks, whose order NFD may change across characters).
 */
export function foldOfChar(code: number): CharFold | undefined {
  if (!PER_CHARACTER.some(([from, to]) => code >= from && code <= to)) return undefined;
  const char = String.fromCharCode(code);
  const lower = char.toLowerCase();
  if (lower.length !== 1 || MARK_RE.test(char)) return undefined;
  const plain = lower.replace(UMLAUT_RE, (c) => UMLAUTS[c] ?? c);
  return { plain, decomposed: plain.normalize('NFD').replace(COMBINING_MARKS_RE, ''), decomposes: OTHER_DIACRITIC_RE.test(plain) };
}

const PER_CHARACTER: readonly (readonly [number, number])[] = [
  [0x0000, 0x024f], // Basic Latin to Latin Extended-B
  [0x1e00, 0x1eff], // Latin Extended Additional
  [0x2000, 0x23ff], // punctuation, super- and subscripts, currency, letterlike, number forms, arrows, maths, technical
  [0x2500, 0x27bf], // box drawing, shapes, symbols, dingbats
];
const MARK_RE = /\p{M}/u;
