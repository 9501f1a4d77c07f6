import { detached } from '../text/detach.js';
import { ENDINGS } from '../text/endings.js';
import { firstWordMatches, matchRestAt, type ParsedTerm, type TermVariant } from './term.js';
import type { Tokens } from './tokenize.js';
import { WordMemo } from './word-memo.js';

/** A term of some topic, registered in the shared index. */
export interface IndexedTerm {
  topic: number;
  /** Index into the topic's include or exclude list, or into its flattened homonym senses. */
  index: number;
  kind: 'include' | 'exclude' | 'sense';
  term: ParsedTerm;
}

export interface Hit {
  term: IndexedTerm;
  /** Index of the first and last word it covers (within one field). */
  first: number;
  last: number;
}

interface Entry {
  variant: TermVariant;
  owner: IndexedTerm;
  /** One word part: a first word that matches is the whole hit. */
  single: boolean;
}

/** What one word means to the classifier: found once per distinct word, then one look-up per occurrence. */
export interface WordActions {
  /** The term variants whose first part this word matches, in the index's order: a one-part variant is a hit here, a phrase is followed from here. */
  readonly starts: readonly Entry[];
  /** The word's number among the features a model weighs (featureIds), or -1. */
  readonly feature: number;
  /** Does some compound feature start with this word (cpu in cpu-kerne)? Only then is a compound it starts looked up. */
  readonly compoundHead: boolean;
}

/**
 * All terms of all topics in lookup tables keyed by the first word part, so
 * that classification costs a few Map lookups per word instead of one regex
 * scan per term. What a word starts and whether a model weighs it depend on
 * the word alone: both are found once per distinct word and memoised together,
 * so the rules and the model's veto cost one look-up per word.
 */
export class TermIndex {
  private readonly byWord = new Map<string, Entry[]>();
  private readonly byStem = new Map<string, Entry[]>();
  private readonly byPrefix = new Map<string, Entry[]>();
  private readonly prefixLengths: number[];
  private readonly bySuffix = new Map<string, Entry[]>();
  private readonly suffixLengths: number[];
  private readonly anywhere: Entry[] = [];
  private readonly numeric: Entry[] = [];
  private readonly shortFirstParts = new Set<string>();
  private lookUpShortWords = false;
  private readonly skipsOneLetter: boolean;
  private readonly compoundHeads = new Set<string>();
  private readonly cache = new WordMemo<WordActions>(CACHE_LIMIT);

  /** `featureIds`: the features some model weighs (already without function words), numbered. */
  constructor(terms: readonly IndexedTerm[], private readonly featureIds: ReadonlyMap<string, number> = new Map()) {
    const prefixLengths = new Set<number>();
    const suffixLengths = new Set<number>();
    for (const owner of terms) {
      for (const variant of owner.term.variants) {
        const entry: Entry = { variant, owner, single: variant.parts.length === 1 };
        const first = variant.parts[0]!;
        const single = variant.parts.length === 1;
        if (first === '#') this.numeric.push(entry);
        else if (variant.leadingStar && single && variant.trailingStar) this.anywhere.push(entry);
        else if (variant.leadingStar) {
          push(this.bySuffix, first, entry);
          suffixLengths.add(first.length);
        } else if (single && variant.trailingStar) {
          push(this.byPrefix, first, entry);
          prefixLengths.add(first.length);
        } else if (single && !variant.exact) push(this.byStem, first, entry);
        else push(this.byWord, first, entry);
      }
    }
    for (const t of terms) {
      for (const v of t.term.variants) {
        const first = v.parts[0]!;
        // A word shorter than SHORT can only match a term whose first part is shorter still; with a
        // star such a part matches too many short words to list, so short words are then all looked up.
        if (first !== '#' && first.length < SHORT) {
          this.shortFirstParts.add(first);
          if (v.leadingStar || v.trailingStar) this.lookUpShortWords = true;
        }
      }
    }
    // A compound feature's key is its words joined by "-" or "_"; its first word is what the reader knows of it first.
    for (const f of featureIds.keys()) if (COMPOUND_JOINT.test(f)) this.compoundHeads.add(f.split(COMPOUND_JOINT)[0]!);
    this.skipsOneLetter =
      !this.lookUpShortWords &&
      this.numeric.length === 0 &&
      [...this.shortFirstParts].every((p) => p.length > 1) &&
      [...featureIds.keys(), ...this.compoundHeads].every((f) => f.length > 1);
    this.prefixLengths = [...prefixLengths].sort((a, b) => a - b);
    this.suffixLengths = [...suffixLengths].sort((a, b) => a - b);
  }

  /** Every occurrence of every term in the tokens. */
  findHits(tokens: Tokens): Hit[] {
    const hits: Hit[] = [];
    for (let i = 0; i < tokens.count; i++) {
      const starts = this.actionsAt(tokens, i).starts;
      for (let k = 0; k < starts.length; k++) {
        const entry = starts[k]!;
        const last = entry.single ? i : matchRestAt(entry.variant, tokens, i);
        if (last >= 0) hits.push({ term: entry.owner, first: i, last });
      }
    }
    return hits;
  }

  /**
   * What this word starts and which feature it is. Memoised: news vocabulary
   * repeats, and most words start nothing.
   */
  actionsAt(tokens: Tokens, i: number): WordActions {
    // Small on purpose: it runs for every word of every article and gets optimized early; the
    // look-up below runs once per distinct word, and inlined here it made each compile cost several times more.
    if (tokens.length(i) === 1 && this.skipsOneLetter) return NOTHING;
    return this.cache.get(tokens.text, tokens.start(i), tokens.end(i), tokens.hash(i)) ?? this.lookUp(tokens, i);
  }

  private lookUp(tokens: Tokens, i: number): WordActions {
    const word = tokens.word(i);
    const starts: Entry[] = [];
    for (const e of this.candidatesFor(word)) if (firstWordMatches(e.variant, word)) starts.push(e);
    const feature = this.featureIds.get(word) ?? -1;
    const compoundHead = this.compoundHeads.has(word);
    const result = starts.length === 0 && feature < 0 && !compoundHead ? NOTHING : { starts, feature, compoundHead };
    // Detached: a memo outlives the article, and a long word sliced from its text would keep the whole text.
    this.cache.set(detached(tokens.key(i)), tokens.hash(i), result);
    return result;
  }

  /** The entries whose first part could match this word. */
  private candidatesFor(word: string): readonly Entry[] {
    // Short words (im, zu, 6) are a large part of any text and rarely start a term.
    const numeric = this.numeric.length > 0;
    if (word.length < SHORT && !this.lookUpShortWords && !this.shortFirstParts.has(word) && !(numeric && word.length > 0 && word.charCodeAt(0) <= 57)) return NONE;
    return this.entriesFor(word);
  }

  private entriesFor(word: string): readonly Entry[] {
    const found = new Set<Entry>();
    const add = (list: Entry[] | undefined): void => {
      if (list) for (const e of list) found.add(e);
    };
    add(this.byWord.get(word));
    add(this.byStem.get(word));
    const stems = [word];
    for (const ending of ENDINGS) {
      if (word.length > ending.length && word.endsWith(ending)) {
        const stem = word.slice(0, -ending.length);
        stems.push(stem);
        add(this.byStem.get(stem));
      }
    }
    for (const len of this.prefixLengths) {
      if (len > word.length) break;
      add(this.byPrefix.get(word.slice(0, len)));
    }
    for (const stem of stems) {
      for (const len of this.suffixLengths) {
        if (len > stem.length) break;
        add(this.bySuffix.get(stem.slice(stem.length - len)));
      }
    }
    for (const e of this.anywhere) if (word.includes(e.variant.parts[0]!)) found.add(e);
    if (this.numeric.length > 0 && /^[0-9]+$/.test(word)) add(this.numeric);
    return found.size === 0 ? NONE : [...found];
  }
}

const SHORT = 3;
const NONE: readonly Entry[] = Object.freeze([]);
// Empty, but of the elements kind a filled list has (made with an object, then emptied); not frozen either:
// classify reads both kinds of list at one place, and for a second kind its optimized code was thrown away.
const NO_STARTS: Entry[] = [{} as Entry];
NO_STARTS.length = 0;
const NOTHING: WordActions = { starts: NO_STARTS, feature: -1, compoundHead: false };
const COMPOUND_JOINT = /[-_]/;
const CACHE_LIMIT = 100_000;

function push(map: Map<string, Entry[]>, key: string, entry: Entry): void {
  const list = map.get(key);
  if (list) list.push(entry);
  else map.set(key, [entry]);
}
