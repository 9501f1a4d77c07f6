import type { Config, SourceConfig } from '../config/schema.js';
import type { Classification, ClassifiableText } from '../types.js';
import { foldText } from '../text/fold.js';
import { stripHtml } from '../text/strip-html.js';
import { TermIndex, type Hit, type IndexedTerm } from './matcher.js';
import { addFeatures, describeContribution, featuresOf, probabilityOf, score, SHIPPED_MODEL, type Contribution, type TopicModel, type TopicWeights } from './model.js';
import { parseTerm, type ParsedTerm } from './term.js';
import { tokenize, type Tokens } from './tokenize.js';

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
  const index = new TermIndex(compiled.flatMap((t) => [...t.include, ...t.exclude, ...t.senses]));
  const restrictions = restrictionsBySource(sources);
  const names = compiled.map((t) => t.name);
  const vocabulary = modelVocabulary(compiled);

  return {
    topics: names,
    classify(text: ClassifiableText): Classification {
      const allowed = allowedTopics(text.sources, restrictions);
      const fields: [FieldName, string | undefined][] = [
        ['title', text.title],
        ['summary', text.summary],
        ['content', text.content ? stripHtml(text.content) : undefined],
      ];
      const tokens: Tokens[] = [];
      // Each topic's hits, per field in field order: a topic no term of which occurs is never looked at,
      // and a topic's decision walks only its own hits (a cold poll classifies ~10,000 new articles).
      // A topic's list is made with its first hit: an empty list ([], small-integer elements) and a filled
      // one (object elements) have different maps, and reading both threw classify's optimized code away.
      const hitsByTopic: (FieldHits[] | undefined)[] = new Array<FieldHits[] | undefined>(compiled.length).fill(undefined);
      for (const [field, value] of fields) {
        if (!value) continue;
        const t = tokenize(foldText(value));
        tokens.push(t);
        for (const hit of index.findHits(t)) {
          const lists = hitsByTopic[hit.term.topic];
          const last = lists?.[lists.length - 1];
          if (last && last.field === field) last.hits.push(hit);
          else if (lists) lists.push({ field, hits: [hit] });
          else hitsByTopic[hit.term.topic] = [{ field, hits: [hit] }];
        }
      }
      const decided: Decisions = { topics: [], matches: [], excluded: [] };
      compiled.forEach((topic, t) => {
        if (allowed && !allowed.has(topic.name)) return;
        const hitsByField = hitsByTopic[t];
        if (hitsByField) decideTopic(topic, hitsByField, decided);
      });
      if (usesModel && decided.topics.some((name) => compiled.find((c) => c.name === name)?.model)) vetoByModel(compiled, tokens, decided, vocabulary);
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
function vetoByModel(compiled: readonly CompiledTopic[], tokens: readonly Tokens[], result: Decisions, vocabulary: ReadonlySet<string>): void {
  // The features of featuresOf(text) that some model weighs, from the tokens the rules already made:
  // a feature without a weight adds nothing to a probability or an explanation.
  const features = new Set<string>();
  for (const t of tokens) addFeatures(t, features, vocabulary);
  for (const topic of compiled) {
    if (!topic.model || !result.topics.includes(topic.name)) continue;
    if (probabilityOf(topic.model, features) >= topic.model.drop) continue;
    const c = score(topic.model, features);
    result.topics = result.topics.filter((name) => name !== topic.name);
    result.matches = result.matches.filter(([name]) => name !== topic.name);
    const excluded = result.excluded.find(([name]) => name === topic.name);
    if (excluded) excluded[1] = [...excluded[1], describeContribution(c)];
    else result.excluded.push([topic.name, [describeContribution(c)]]);
  }
}

/** Every word some topic's model weighs. */
function modelVocabulary(compiled: readonly CompiledTopic[]): Set<string> {
  const words = new Set<string>();
  for (const topic of compiled) if (topic.model) for (const word of Object.keys(topic.model.weights)) words.add(word);
  return words;
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
