/**
 * V8 makes a substring of at least this many characters a slice that keeps
 * its parent (a whole article's text) alive.
 */
const SLICED_MIN_LENGTH = 13;

/**
 * The string, or a copy of it that does not point into a longer one: for
 * memos and pools that outlive the text their words came from. JSON.parse
 * makes its string from the few bytes of the JSON text, which is all it can keep.
 */
export function detached(word: string): string {
  return word.length >= SLICED_MIN_LENGTH ? (JSON.parse(JSON.stringify(word)) as string) : word;
}
