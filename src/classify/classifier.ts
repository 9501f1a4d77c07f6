import type { Config, SourceConfig } from '../config/schema.js';
import type { Classification, ClassifiableText } from '../types.js';
import { TermIndex, type Hit, type IndexedTerm } from './matcher.js';
import { describeContribution, featuresOf, isFeatureWord, score, SHIPPED_MODEL, type Contribution, type TopicModel, type TopicWeights } from './model.js';
import { matchRestAt, parseTerm, type ParsedTerm } from './term.js';
import { Tokens } from './tokenize.js';

export interface Classifier {
  readonly topics: readonly string[];
  classify(text: ClassifiableText): Classification;
  /** Per topic that consults the model: its probability and the words that weighed, for explain. */
  modelContributions(text: ClassifiableText): Record<string, Contribution>;
}

interface CompiledTopic {
  name: string;
  minScore: number;
  titleWeight: number;
  contentWeight: number;
  include: IndexedTerm[];
  exclude: IndexedTerm[];
  /** Words of another meaning, flattened; `homonymOf[i]` is the include index they disarm. */
  senses: IndexedTerm[];
  homonymOf: number[];
  model?: TopicWeights;
}

type FieldName = 'title' | 'summary' | 'content';
/**
 * A Classification while it is decided: per topic entries in the order found, made objects once at the
 * end. Keyed stores of varying topic names into the result's objects (each topic set a new shape) made
 * the optimizing compiler throw classify's code away and compile it again three times per process.
 */
interface Decisions {
  topics: string[];
  matches: [topic: string, terms: string[]][];
  excluded: [topic: string, terms: string[]][];
}

/** One topic's hits in one field. */
interface FieldHits {
  field: FieldName;
  hits: Hit[];
}

/**
 * Compile the topic rules once per config; the returned classifier is pure
 * and cheap enough to re-run over every stored article after each edit.
 * `model` is the word model topics may consult (`model:` in their rules).
 * Terms are assumed valid (the config schema checked them); a bad term here
 * throws TermSyntaxError.
 */
export function compileRules(topics: Config['topics'], sources?: readonly SourceConfig[], model: TopicModel = SHIPPED_MODEL): Classifier {
  const compiled: CompiledTopic[] = Object.entries(topics).map(([name, rules], topic) => ({
    name,
    minScore: rules.minScore ?? 1,
    titleWeight: rules.titleWeight ?? 1,
    contentWeight: rules.contentWeight ?? 1,
    include: rules.include.map((raw, index) => indexedTerm(topic, index, 'include', parseTerm(raw))),
    exclude: (rules.exclude ?? []).map((raw, index) => indexedTerm(topic, index, 'exclude', parseTerm(raw, { allowVeto: true }))),
    ...compileHomonyms(topic, rules),
    ...(rules.model && model.topics[rules.model] ? { model: model.topics[rules.model] } : {}),
  }));
  const usesModel = compiled.some((t) => t.model);
  const features = new ArticleFeatures(compiled);
  const index = new TermIndex(compiled.flatMap((t) => [...t.include, ...t.exclude, ...t.senses]), features.ids);
  const restrictions = restrictionsBySource(sources);
  const names = compiled.map((t) => t.name);
  // One of each per classifier, reused by every article: classify runs to its end before the next starts.
  const tokens = new Tokens();
  const hitsByTopic: (FieldHits[] | undefined)[] = new Array<FieldHits[] | undefined>(compiled.length).fill(undefined);

  /** One field's words (just read into `tokens`): each looked up once, for the terms it starts and the feature it is. */
  function scanField(field: FieldName, tokens: Tokens): void {
    let first = 0;
    let parts = 0;
    let head = false;
    for (let i = 0; i < tokens.count; i++) {
      const actions = index.actionsAt(tokens, i);
      if (usesModel) {
        if (actions.feature >= 0) features.add(actions.feature);
        // A compound (words joined by single hyphens or underscores) counts whole too, as in addFeatures;
        // it is made and looked up only where a compound feature starts with its first word.
        if (parts === 0) {
          first = i;
          head = actions.compoundHead;
        }
        parts++;
        if (!tokens.joinsNext(i)) {
          if (parts > 1 && head) features.addWord(tokens.span(first, i));
          parts = 0;
        }
      }
      // An index loop: most words start nothing, and for-of over their (shared, empty) list still called the array iterator.
      const starts = actions.starts;
      for (let k = 0; k < starts.length; k++) {
        const entry = starts[k]!;
        const last = entry.single ? i : matchRestAt(entry.variant, tokens, i);
        if (last >= 0) noteHit(field, { term: entry.owner, first: i, last });
      }
    }
  }

  // Each topic's hits, per field in field order: a topic no term of which occurs is never looked at,
  // and a topic's decision walks only its own hits (a cold poll classifies ~10,000 new articles).
  // A topic's list is made with its first hit: an empty list ([], small-integer elements) and a filled
  // one (object elements) have different maps, and reading both threw classify's optimized code away.
  function noteHit(field: FieldName, hit: Hit): void {
    const lists = hitsByTopic[hit.term.topic];
    const last = lists?.[lists.length - 1];
    if (last && last.field === field) last.hits.push(hit);
    else if (lists) lists.push({ field, hits: [hit] });
    else hitsByTopic[hit.term.topic] = [{ field, hits: [hit] }];
  }

  return {
    topics: names,
    classify(text: ClassifiableText): Classification {
      const allowed = allowedTopics(text.sources, restrictions);
      features.clear();
      // Emptied as the topics are decided; here too, in case an article threw half-way through.
      hitsByTopic.fill(undefined);
      // Each field's words as foldText(stripHtml(...)) gives them, read without making those copies.
      if (text.title) scanField('title', tokens.readFolding(text.title, false));
      if (text.summary) scanField('summary', tokens.readFolding(text.summary, false));
      if (text.content) scanField('content', tokens.readFolding(text.content, true));
      const decided: Decisions = { topics: [], matches: [], excluded: [] };
      for (let t = 0; t < compiled.length; t++) {
        const hitsByField = hitsByTopic[t];
        if (!hitsByField) continue;
        hitsByTopic[t] = undefined;
        const topic = compiled[t]!;
        if (allowed && !allowed.has(topic.name)) continue;
        decideTopic(topic, hitsByField, decided);
      }
      if (usesModel && decided.topics.some((name) => compiled.find((c) => c.name === name)?.model)) vetoByModel(compiled, features, decided);
      return { topics: decided.topics, matches: Object.fromEntries(decided.matches), excluded: Object.fromEntries(decided.excluded) };
    },
    modelContributions(text: ClassifiableText): Record<string, Contribution> {
      if (!usesModel) return {};
      const features = featuresOf(text);
      return Object.fromEntries(compiled.filter((c) => c.model).map((c) => [c.name, score(c.model!, features)]));
    },
  };
}

/** Drops a rules match the model finds very unlikely; the words that decided go to `excluded`. */
function vetoByModel(compiled: readonly CompiledTopic[], features: ArticleFeatures, result: Decisions): void {
  compiled.forEach((topic, t) => {
    if (!topic.model || !result.topics.includes(topic.name)) return;
    if (features.probability(t, topic.model) >= topic.model.drop) return;
    const c = score(topic.model, features.asSet());
    result.topics = result.topics.filter((name) => name !== topic.name);
    result.matches = result.matches.filter(([name]) => name !== topic.name);
    const excluded = result.excluded.find(([name]) => name === topic.name);
    if (excluded) excluded[1] = [...excluded[1], describeContribution(c)];
    else result.excluded.push([topic.name, [describeContribution(c)]]);
  });
}

/**
 * The features of featuresOf(text) that some model weighs, gathered while the rules read the words: each
 * a number, kept once in the order first seen (the order featuresOf's Set has, so that the probability
 * adds the same weights in the same order). A feature no model weighs adds nothing to a probability or
 * an explanation.
 */
class ArticleFeatures {
  /** Every word some topic's model weighs, numbered. */
  readonly ids = new Map<string, number>();
  readonly #words: string[] = [];
  /** Per topic with a model, its weight per feature number (0 where it has none). */
  readonly #weights: (Float64Array | undefined)[];
  readonly #found: number[] = [];
  readonly #seen: Int32Array;
  #article = 1;

  constructor(compiled: readonly CompiledTopic[]) {
    for (const topic of compiled) {
      if (!topic.model) continue;
      for (const word of Object.keys(topic.model.weights)) {
        if (!this.ids.has(word) && isFeatureWord(word)) {
          this.ids.set(word, this.#words.length);
          this.#words.push(word);
        }
      }
    }
    this.#weights = compiled.map((topic) => {
      if (!topic.model) return undefined;
      const weights = new Float64Array(this.#words.length);
      // Through a Map as score() reads them: a plain object would answer "constructor" with Object.prototype's.
      const map = new Map(Object.entries(topic.model.weights));
      this.#words.forEach((word, id) => (weights[id] = map.get(word) ?? 0));
      return weights;
    });
    this.#seen = new Int32Array(this.#words.length);
  }

  /** Before each article. */
  clear(): void {
    this.#found.length = 0;
    if (++this.#article === 0x7fffffff) {
      this.#seen.fill(0);
      this.#article = 1;
    }
  }

  add(id: number): void {
    if (this.#seen[id] === this.#article) return;
    this.#seen[id] = this.#article;
    this.#found.push(id);
  }

  addWord(word: string): void {
    const id = this.ids.get(word);
    if (id !== undefined) this.add(id);
  }

  /** As probabilityOf(model, features): the same sum in the same order. */
  probability(topic: number, model: TopicWeights): number {
    const weights = this.#weights[topic]!;
    let logit = model.bias;
    const found = this.#found;
    for (let k = 0; k < found.length; k++) logit += weights[found[k]!]!;
    return 1 / (1 + Math.exp(-logit));
  }

  /** The features as featuresOf would give them (limited to the models' words), for score(). */
  asSet(): Set<string> {
    return new Set(this.#found.map((id) => this.#words[id]!));
  }
}

/** Every indexed term from this one place: one object shape, so the matcher's loads of a hit's term stay monomorphic. */
function indexedTerm(topic: number, index: number, kind: IndexedTerm['kind'], term: ParsedTerm): IndexedTerm {
  return { topic, index, kind, term };
}

function compileHomonyms(topic: number, rules: Config['topics'][string]): Pick<CompiledTopic, 'senses' | 'homonymOf'> {
  const senses: IndexedTerm[] = [];
  const homonymOf: number[] = [];
  for (const [term, words] of Object.entries(rules.homonyms ?? {})) {
    const include = rules.include.indexOf(term);
    for (const raw of words) {
      senses.push(indexedTerm(topic, senses.length, 'sense', parseTerm(raw)));
      homonymOf.push(include);
    }
  }
  return { senses, homonymOf };
}

/** Per include index: the first word of another meaning seen in the lead (title, summary) and in the body. */
function otherSenses(topic: CompiledTopic, hitsByField: readonly FieldHits[]): { lead: Map<number, string>; body: Map<number, string> } {
  const lead = new Map<number, string>();
  const body = new Map<number, string>();
  for (const { field, hits } of hitsByField) {
    for (const h of hits) {
      if (h.term.kind !== 'sense') continue;
      const include = topic.homonymOf[h.term.index]!;
      const seen = field === 'content' ? body : lead;
      if (!seen.has(include)) seen.set(include, h.term.term.raw);
    }
  }
  return { lead, body };
}

/** `hitsByField`: this topic's hits only, per field in field order. */
function decideTopic(topic: CompiledTopic, hitsByField: readonly FieldHits[], result: Decisions): void {
  // Per include term: the best field factor it was found in (title beats body).
  const found = new Map<number, number>();
  const excluding = new Set<number>();
  const homonymsSeen: string[] = [];
  let vetoed = false;
  let before = 0;
  const senses = topic.senses.length > 0 ? otherSenses(topic, hitsByField) : undefined;
  for (const { field, hits: mine } of hitsByField) {
    const masks = excludeHits(mine);
    for (const m of masks) {
      if (m.term.term.veto) {
        vetoed = true;
        excluding.add(m.term.index);
      }
    }
    for (const h of mine) {
      if (h.term.kind !== 'include') continue;
      before++;
      // An exclude term hides the words it covers: "Jupyter-Kernel" hides that "Kernel".
      const mask = masks.length > 0 ? maskOf(masks, h) : undefined;
      if (mask) {
        excluding.add(mask.term.index);
        continue;
      }
      const other = senses && (senses.lead.get(h.term.index) ?? (field === 'content' ? senses.body.get(h.term.index) : undefined));
      if (other) {
        noteHomonym(homonymsSeen, h, other);
        continue;
      }
      const factor = field === 'title' ? topic.titleWeight : field === 'content' ? topic.contentWeight : 1;
      found.set(h.term.index, Math.max(found.get(h.term.index) ?? 0, factor));
    }
  }
  if (before === 0) return;
  let score = 0;
  for (const [i, factor] of found) score += topic.include[i]!.term.weight * factor;
  if (!vetoed && score >= topic.minScore - 1e-9) {
    result.topics.push(topic.name);
    result.matches.push([topic.name, matchedTerms(topic, found)]);
  } else if (excluding.size > 0 || homonymsSeen.length > 0) {
    result.excluded.push([topic.name, excludedTerms(topic, excluding, homonymsSeen)]);
  }
}

// decideTopic's rarer steps live in small functions of their own: it is optimized early in a cold poll,
// and every step inlined into it made that compile (on V8's threads, beside the poll) longer.

/** The hits of exclude terms (most fields have none: then no array is made). */
function excludeHits(hits: readonly Hit[]): readonly Hit[] {
  let masks: Hit[] | undefined;
  for (const h of hits) if (h.term.kind === 'exclude') (masks ??= []).push(h);
  return masks ?? NO_HITS;
}

const NO_HITS: readonly Hit[] = Object.freeze([]);

/** The first non-veto exclude hit that covers a word of this hit: "Jupyter-Kernel" hides that "Kernel". */
function maskOf(masks: readonly Hit[], h: Hit): Hit | undefined {
  for (const m of masks) if (!m.term.term.veto && m.first <= h.last && h.first <= m.last) return m;
  return undefined;
}

function noteHomonym(homonymsSeen: string[], h: Hit, other: string): void {
  const why = `${h.term.term.raw} (other meaning: ${other})`;
  if (!homonymsSeen.includes(why)) homonymsSeen.push(why);
}

/** The include terms found, in the rules' order. */
function matchedTerms(topic: CompiledTopic, found: ReadonlyMap<number, number>): string[] {
  return [...found.keys()].sort((a, b) => a - b).map((i) => topic.include[i]!.term.raw);
}

/** The exclude terms that hid or vetoed a topic, in the rules' order, then the homonyms seen. Apart: a rare branch of decideTopic. */
function excludedTerms(topic: CompiledTopic, excluding: ReadonlySet<number>, homonymsSeen: readonly string[]): string[] {
  const terms: string[] = [];
  for (const i of Array.from(excluding).sort((a, b) => a - b)) terms.push(topic.exclude[i]!.term.raw);
  for (const why of homonymsSeen) terms.push(why);
  return terms;
}

/** Lower-cased source name → the topics it may lend; unrestricted sources are absent. */
export function restrictionsBySource(sources?: readonly SourceConfig[]): Map<string, ReadonlySet<string>> {
  const map = new Map<string, ReadonlySet<string>>();
  for (const s of sources ?? []) if (s.topics) map.set(s.name.toLowerCase(), new Set(s.topics));
  return map;
}

/** The union of what the article's sources allow; undefined means no restriction. */
export function allowedTopics(names: readonly string[] | undefined, restrictions: Map<string, ReadonlySet<string>>): Set<string> | undefined {
  // Without restrictions the names are not looked at (nor their array's map, which differs by caller).
  if (restrictions.size === 0 || !names || names.length === 0) return undefined;
  const allowed = new Set<string>();
  for (const name of names) {
    const only = restrictions.get(name.toLowerCase());
    // A source without a restriction (or not in the config any more) lends every topic.
    if (!only) return undefined;
    for (const topic of only) allowed.add(topic);
  }
  return allowed;
}
