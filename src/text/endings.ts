/**
 * German inflection endings, in one place. Topic rules accept a term with any
 * of them ("Kernel" matches "Kernels", "Containern"); same-story merging strips
 * them so that two outlets' inflections of one word meet.
 */

/** German inflection endings a plain term may carry. */
export const ENDINGS = ['s', 'e', 'es', 'en', 'n', 'er', 'ern', 'em', 'ens'] as const;

// Longest first, so "Containern" loses "ern", not just "n".
const STRIP_ORDER = [...ENDINGS].sort((a, b) => b.length - a.length);
/** A stem keeps at least this many letters: "Kerne" stays, "Daten" does not become "dat". */
const MIN_STEM = 4;
/** Words shorter than this keep their ending: "Bugs", "Apps". */
const MIN_WORD = 5;

/**
 * A folded word without up to two inflection endings, so that stacked
 * endings meet: "maintainers" → "maintainer" → "maintain" ← "maintainer".
 * A crude stemmer, deliberately: it only has to make two inflections of one
 * word equal, never to produce a dictionary form.
 */
export function stripEndings(word: string): string {
  return stripOne(stripOne(word));
}

function stripOne(word: string): string {
  if (word.length < MIN_WORD) return word;
  for (const ending of STRIP_ORDER) {
    if (word.endsWith(ending) && word.length - ending.length >= MIN_STEM) return word.slice(0, -ending.length);
  }
  return word;
}
