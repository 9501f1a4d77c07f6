/**
 * Per UTF-16 unit, how readFolding (tokenize.ts) folds it in a text foldText does not decompose (PLAIN) and
 * in one it does (DECOMPOSED): a word character as its one or two folded codes (first | second << 8,
 * "ä" → "ae"), else one of the kinds below. Learnt per unit as first met, from foldOfChar.
 */
import { foldOfChar } from '../text/fold.js';

const HYPHEN = 45;
const UNDERSCORE = 95;
const LESS_THAN = 60;
const AMPERSAND = 38;

/** Units from here on are never folded alone (foldOfChar answers for none of them). */
export const FOLDABLE = 0x27c0;
export const UNKNOWN = 0;
export const SEPARATOR = -1;
/** "<" and "&": a separator, or markup in HTML. */
export const MARKUP = -2;
export const CANNOT_FOLD = -3;
/** In PLAIN only: a unit that makes foldText decompose the text. */
export const DECOMPOSES = -4;
export const PLAIN = new Int32Array(FOLDABLE);
export const DECOMPOSED = new Int32Array(FOLDABLE);

export function learnFold(code: number, decomposed: boolean): number {
  if (code < 128) {
    const fold = isWordCode(code) ? code : code >= 65 && code <= 90 ? code + 32 : code === LESS_THAN || code === AMPERSAND ? MARKUP : SEPARATOR;
    PLAIN[code] = DECOMPOSED[code] = fold;
  } else {
    const fold = foldOfChar(code);
    PLAIN[code] = !fold ? CANNOT_FOLD : fold.decomposes ? DECOMPOSES : encodeFold(fold.plain);
    DECOMPOSED[code] = fold ? encodeFold(fold.decomposed) : CANNOT_FOLD;
  }
  return decomposed ? DECOMPOSED[code]! : PLAIN[code]!;
}

/**
 * A fold the reader can take as one piece: one or two word characters, or a separator that is never empty
 * (a word ends where it stands) and has no "-" or "_" (joinsNext takes a compound's joint as it stands in the text).
 */
function encodeFold(out: string): number {
  if (out.length === 0) return CANNOT_FOLD;
  let words = 0;
  for (let k = 0; k < out.length; k++) {
    const c = out.charCodeAt(k);
    if (isWordCode(c)) words++;
    else if (c === HYPHEN || c === UNDERSCORE) return CANNOT_FOLD;
  }
  if (words === 0) return SEPARATOR;
  if (words !== out.length || words > 2) return CANNOT_FOLD;
  return out.charCodeAt(0) | (words === 2 ? out.charCodeAt(1) << 8 : 0);
}

export function isWordCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
}
