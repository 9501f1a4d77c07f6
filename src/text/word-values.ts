/**
 * Values worked out from a word, remembered by that word: the story memos
 * (folds, plain words, shapes, event kinds, stages) ask for the same few
 * thousand words in every text. Bounded: full, it starts over, so only time
 * is lost, never a value. Its keys are detached (detach.ts): a word sliced
 * from an article's text would otherwise keep that whole text alive.
 */
import { detached } from './detach.js';

/** Past this many words a memo starts over. */
const MAX_WORDS = 20_000;

export class WordValues<V> {
  readonly #values = new Map<string, V>();

  get(word: string): V | undefined {
    return this.#values.get(word);
  }

  /** Remembers `value` for `word` and gives it back. */
  remember(word: string, value: V): V {
    if (this.#values.size >= MAX_WORDS) this.#values.clear();
    this.#values.set(detached(word), value);
    return value;
  }
}
