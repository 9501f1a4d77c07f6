import type { Config } from '../config/schema.js';
import { foldText } from '../text/fold.js';
import { stripHtml } from '../text/strip-html.js';
import { allowedTopics, restrictionsBySource } from './classifier.js';
import { TermIndex } from './matcher.js';
import { parseTerm, type ParsedTerm } from './term.js';
import { tokenize } from './tokenize.js';

/** What the classifier's result depends on from a config. */
export type RulesDefinition = Pick<Config, 'topics' | 'sources'>;

/**
 * What a rules edit can change, found by comparing two rule sets; the
 * classifier (classifier.ts) is not consulted, only its semantics:
 *
 * - A topic decides from its own terms' hits only (the term index finds
 *   every term independently), so a topic whose rules are the same keeps its
 *   articles.
 * - A topic holds an article only if one of its include terms hits it. So
 *   an article that no include term of the old or new topic hits is outside
 *   it either way, whatever else (minScore, weights, model) changed.
 * - When only terms changed (include, exclude, words of another meaning),
 *   an article that none of the added or removed terms hits sees the same
 *   hits of that topic as before, hence the same decision.
 *
 * An article that no probe term hits, and whose sources allow the same
 * topics under both rule sets, keeps its previous topics (those still
 * configured, in the new order); every other article is classified again
 * with the new rules. tests/classify/rules-delta.property.test.ts checks
 * this against classifying from scratch on random edits.
 */
export interface RulesDelta {
  /** The topics of the new rules, in their order. */
  readonly topics: readonly string[];
  /** Terms whose hits may change an article's topics; undefined when none can. */
  readonly probe: TermProbe | undefined;
  /** Do the article's sources allow other topics under the new rules than under the old? */
  allowsOtherTopics(sources: readonly { name: string }[]): boolean;
  /** An article's previous topics as the new rules give them, when no probe term hits it (`previous` itself when unchanged: do not modify). */
  carriedOver(previous: readonly string[]): string[];
}

export function planRulesDelta(before: RulesDefinition, after: RulesDefinition): RulesDelta {
  const probes: ParsedTerm[] = [];
  for (const [name, next] of Object.entries(after.topics)) probes.push(...changedTerms(before.topics[name], next));
  const topics = Object.keys(after.topics);
  const order = new Map(topics.map((t, i) => [t, i]));
  const oldRestrictions = restrictionsBySource(before.sources);
  const newRestrictions = restrictionsBySource(after.sources);
  const sameRestrictions = sameRestrictionMaps(oldRestrictions, newRestrictions);
  return {
    topics,
    probe: probes.length > 0 ? new TermProbe(probes) : undefined,
    allowsOtherTopics(sources) {
      if (sameRestrictions) return false;
      const sourceNames = sources.map((s) => s.name);
      const was = allowedTopics(sourceNames, oldRestrictions);
      const now = allowedTopics(sourceNames, newRestrictions);
      if (was === undefined && now === undefined) return false;
      return topics.some((t) => (was === undefined || was.has(t)) !== (now === undefined || now.has(t)));
    },
    carriedOver(previous) {
      // Usually every topic is kept, in the same order: the same list, shared (a new one per article was most of what a rules edit kept alive).
      if (keptInOrder(previous, order)) return previous as string[];
      const kept = previous.filter((t) => order.has(t));
      return kept.length > 1 ? kept.sort((a, b) => order.get(a)! - order.get(b)!) : kept;
    },
  };
}

/** Whether every topic of the list is still a topic, in the order of the topics. */
function keptInOrder(list: readonly string[], order: ReadonlyMap<string, number>): boolean {
  let last = -1;
  for (const topic of list) {
    const at = order.get(topic);
    if (at === undefined || at <= last) return false;
    last = at;
  }
  return true;
}

type TopicRules = Config['topics'][string];

/** The terms of one topic whose hits may decide differently under `next` than under `previous`. */
function changedTerms(previous: TopicRules | undefined, next: TopicRules): ParsedTerm[] {
  const includes = (rules: TopicRules | undefined): string[] => rules?.include ?? [];
  if (!previous || !sameSettings(previous, next)) {
    // Only an article one of these hits can be in the topic, before or after.
    return [...new Set([...includes(previous), ...includes(next)])].map((raw) => parseTerm(raw));
  }
  const changed: ParsedTerm[] = [];
  for (const raw of multisetDifference(previous.include, next.include)) changed.push(parseTerm(raw));
  for (const raw of multisetDifference(previous.exclude ?? [], next.exclude ?? [])) changed.push(parseTerm(raw, { allowVeto: true }));
  // A word of another meaning disarms one include entry (the first with its text): it changes with either.
  const senses = (rules: TopicRules): string[] =>
    Object.entries(rules.homonyms ?? {}).flatMap(([term, words]) => {
      const disarms = rules.include.indexOf(term) >= 0 ? term : '';
      return words.map((word) => JSON.stringify([word, disarms]));
    });
  for (const key of multisetDifference(senses(previous), senses(next))) changed.push(parseTerm((JSON.parse(key) as string[])[0]!));
  return changed;
}

function sameSettings(a: TopicRules, b: TopicRules): boolean {
  return (
    (a.minScore ?? 1) === (b.minScore ?? 1) &&
    (a.titleWeight ?? 1) === (b.titleWeight ?? 1) &&
    (a.contentWeight ?? 1) === (b.contentWeight ?? 1) &&
    a.model === b.model
  );
}

/** The entries whose count differs between the two lists (each once). */
function multisetDifference(a: readonly string[], b: readonly string[]): string[] {
  const count = new Map<string, number>();
  for (const x of a) count.set(x, (count.get(x) ?? 0) + 1);
  for (const x of b) count.set(x, (count.get(x) ?? 0) - 1);
  return [...count].filter(([, n]) => n !== 0).map(([x]) => x);
}

function sameRestrictionMaps(a: ReadonlyMap<string, ReadonlySet<string>>, b: ReadonlyMap<string, ReadonlySet<string>>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, topics] of a) {
    const other = b.get(name);
    if (!other || other.size !== topics.size || [...topics].some((t) => !other.has(t))) return false;
  }
  return true;
}

/**
 * Does any of these terms hit a text? Exact (the classifier's own term index
 * on the classifier's own folding and tokens), and cheap for the common
 * answer "no": every word part of a term (other than #) lies inside the
 * folded text wherever the term hits, so a text containing none of the parts
 * a variant needs is skipped before it is tokenized.
 */
export class TermProbe {
  readonly terms: readonly ParsedTerm[];
  readonly #index: TermIndex;
  /** Per variant the longest word part it needs; undefined when it has none (a term of numbers only). */
  readonly #needles: (string | undefined)[];
  readonly #alwaysTokenize: boolean;

  constructor(terms: readonly ParsedTerm[]) {
    this.terms = terms;
    this.#index = new TermIndex(terms.map((term, index) => ({ topic: 0, index, kind: 'include' as const, term })));
    this.#needles = terms.flatMap((t) => t.variants.map((v) => longest(v.parts.filter((p) => p !== '#'))));
    this.#alwaysTokenize = this.#needles.includes(undefined);
  }

  /** Whether a term hits the title, the summary or the content (HTML) as the classifier reads them. */
  hits(text: { title: string; summary?: string | undefined; content?: string | undefined }): boolean {
    return this.hitsPlain(text.title) || this.hitsPlain(text.summary) || (text.content ? this.hitsPlain(stripHtml(text.content)) : false);
  }

  /** The title and the summary (what an article's head holds). */
  hitsHead(head: { title: string; summary?: string | undefined }): boolean {
    return this.hitsPlain(head.title) || this.hitsPlain(head.summary);
  }

  /** The content (HTML). */
  hitsContent(content: string | undefined): boolean {
    return content ? this.hitsPlain(stripHtml(content)) : false;
  }

  hitsPlain(text: string | undefined): boolean {
    if (!text) return false;
    const folded = foldText(text);
    if (!this.#alwaysTokenize && !this.#needles.some((n) => folded.includes(n!))) return false;
    return this.#index.findHits(tokenize(folded)).length > 0;
  }
}

function longest(parts: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const p of parts) if (best === undefined || p.length > best.length) best = p;
  return best;
}
