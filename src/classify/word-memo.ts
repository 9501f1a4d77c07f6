/**
 * What the classifier knows about each distinct word, found by the word's
 * place in the text: its hash is taken while the tokenizer reads the
 * characters, and a hit compares characters in place. A Map keyed by the word
 * needed the word as a fresh string per occurrence (an allocation) and hashed
 * it again; the look-up per word was the largest step of classification.
 * Open addressing with linear probing; bounded, so a flood of unique tokens
 * (hashes, ids) cannot grow memory: full, it starts again empty.
 */
export class WordMemo<V> {
  #keys: string[] = [];
  #hashes = new Int32Array(0);
  #values: V[] = [];
  #mask = 0;
  #size = 0;

  constructor(private readonly limit: number) {
    this.#allocate(INITIAL);
  }

  /** The value of the word text[start, end) whose hash (wordHash) is `hash`, if memoised. */
  get(text: string, start: number, end: number, hash: number): V | undefined {
    const keys = this.#keys;
    const length = end - start;
    for (let slot = hash & this.#mask; ; slot = (slot + 1) & this.#mask) {
      const key = keys[slot]!;
      if (key === '') return undefined;
      if (this.#hashes[slot] === hash && key.length === length && sameChars(key, text, start)) return this.#values[slot];
    }
  }

  set(word: string, hash: number, value: V): void {
    if (this.#size >= this.limit) this.#allocate(INITIAL);
    else if (2 * (this.#size + 1) > this.#keys.length) this.#grow();
    this.#put(word, hash, value);
    this.#size++;
  }

  #put(word: string, hash: number, value: V): void {
    let slot = hash & this.#mask;
    while (this.#keys[slot] !== '') slot = (slot + 1) & this.#mask;
    this.#keys[slot] = word;
    this.#hashes[slot] = hash;
    this.#values[slot] = value;
  }

  #grow(): void {
    const keys = this.#keys;
    const hashes = this.#hashes;
    const values = this.#values;
    this.#allocate(2 * keys.length);
    for (let slot = 0; slot < keys.length; slot++) if (keys[slot] !== '') this.#put(keys[slot]!, hashes[slot]!, values[slot]!);
  }

  #allocate(capacity: number): void {
    this.#keys = new Array<string>(capacity).fill('');
    this.#hashes = new Int32Array(capacity);
    this.#values = new Array<V>(capacity);
    this.#mask = capacity - 1;
    this.#size = 0;
  }
}

const INITIAL = 1024;

/** FNV-1a over the character codes: the tokenizer takes it per word as it reads, wordHash for a whole string. */
export const HASH_START = 0x811c9dc5 | 0;
export function hashStep(hash: number, code: number): number {
  return Math.imul(hash ^ code, 0x01000193);
}

export function wordHash(word: string): number {
  let hash = HASH_START;
  for (let i = 0; i < word.length; i++) hash = hashStep(hash, word.charCodeAt(i));
  return hash;
}

function sameChars(key: string, text: string, start: number): boolean {
  for (let k = 0; k < key.length; k++) if (key.charCodeAt(k) !== text.charCodeAt(start + k)) return false;
  return true;
}
