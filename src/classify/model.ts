import type { ClassifiableText } from '../types.js';
import { foldText } from '../text/fold.js';
import { stripHtml } from '../text/strip-html.js';
import shipped from './topic-model.json' with { type: 'json' };
import { tokenize, type Tokens } from './tokenize.js';

/**
 * The second signal: one logistic regression per topic over the words of an
 * article, trained on the tuning parts (see train-model.ts) and shipped as
 * data in topic-model.json. It never decides alone: it can only veto a rules
 * match it finds very unlikely, and the veto names the words that weighed most.
 * It adds nothing: a topic still needs the rules to find it.
 */
export interface TopicWeights {
  bias: number;
  /** A rules match with a probability below this is dropped. */
  drop: number;
  weights: Record<string, number>;
}

export interface TopicModel {
  version: number;
  trainedOn: string;
  features: string;
  topics: Record<string, TopicWeights>;
}

export interface Contribution {
  probability: number;
  bias: number;
  /** The words found, largest |weight| first. */
  terms: { term: string; weight: number }[];
}

export const SHIPPED_MODEL = shipped as TopicModel;
export const MODEL_TOPICS: readonly string[] = Object.keys(SHIPPED_MODEL.topics);

const MIN_LENGTH = 2;
// Function words carry no topic; left in, they soak up weight and make the explanations unreadable.
const STOPWORDS = new Set(
  ('der die das den dem des ein eine einen einem einer eines und oder aber auch als am an auf aus bei bis '
    + 'da dass durch fuer gegen hat haben im in ist mit nach nicht noch nun nur ob sich sie sind so um '
    + 'unter vom von vor war was wie wird werden wir zu zum zur er es ich ihr man mehr sein seine kann '
    + 'jetzt schon sollen soll ueber viele neue neuen neuer neues the of and to for with on is').split(' '),
);

/**
 * The article's features: folded words of title, summary and plain-text
 * content, each once, without function words. Hyphenated compounds count
 * whole and by their parts ("container-images" gives container-images,
 * container, images).
 */
export function featuresOf(text: ClassifiableText): Set<string> {
  const out = new Set<string>();
  for (const field of [text.title, text.summary, text.content ? stripHtml(text.content) : undefined]) {
    if (field) addFeatures(tokenize(foldText(field)), out);
  }
  return out;
}

/**
 * Adds one field's features from the tokens the classifier already has, so a
 * rules match costs no second folding and scanning of the text. A compound is
 * a run of words joined by single hyphens or underscores. With `only`, just
 * the features in it (the words a model weighs: the others add nothing).
 */
export function addFeatures(tokens: Tokens, out: Set<string>, only?: ReadonlySet<string>): void {
  let first = 0;
  let parts = 0;
  for (let i = 0; i < tokens.count; i++) {
    const word = tokens.word(i);
    // `only` first: with it most words are in neither set, and one look-up rules them out.
    if ((!only || only.has(word)) && isFeatureWord(word)) out.add(word);
    if (parts === 0) first = i;
    parts++;
    if (!tokens.joinsNext(i)) {
      if (parts > 1) {
        const compound = tokens.span(first, i);
        if ((!only || only.has(compound)) && isFeatureWord(compound)) out.add(compound);
      }
      parts = 0;
    }
  }
}

/** Long enough and no function word: the test every feature passes, whether a model weighs it or not. */
export function isFeatureWord(word: string): boolean {
  return word.length >= MIN_LENGTH && !STOPWORDS.has(word);
}

// The weights as a Map: a plain object would answer "constructor" or "tostring" with Object.prototype's members.
const MAPS = new WeakMap<Record<string, number>, Map<string, number>>();
function weightMap(weights: TopicWeights): Map<string, number> {
  let map = MAPS.get(weights.weights);
  if (!map) {
    map = new Map(Object.entries(weights.weights));
    MAPS.set(weights.weights, map);
  }
  return map;
}

export function score(weights: TopicWeights, features: ReadonlySet<string>): Contribution {
  const map = weightMap(weights);
  let logit = weights.bias;
  const terms: { term: string; weight: number }[] = [];
  for (const f of features) {
    const w = map.get(f);
    if (w === undefined) continue;
    logit += w;
    terms.push({ term: f, weight: w });
  }
  terms.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight) || a.term.localeCompare(b.term));
  return { probability: 1 / (1 + Math.exp(-logit)), bias: weights.bias, terms };
}

/** Just the probability: what the veto needs, without building the explanation. */
export function probabilityOf(weights: TopicWeights, features: ReadonlySet<string>): number {
  const map = weightMap(weights);
  let logit = weights.bias;
  for (const f of features) logit += map.get(f) ?? 0;
  return 1 / (1 + Math.exp(-logit));
}

/** "model 0.07: mkv -1.84, containerformat -1.10, container +0.52" – what explain and the HTML page show. */
export function describeContribution(c: Contribution, top = 4): string {
  const parts = c.terms.slice(0, top).map((t) => `${t.term} ${t.weight >= 0 ? '+' : ''}${t.weight.toFixed(2)}`);
  return `model ${c.probability.toFixed(2)}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
}
