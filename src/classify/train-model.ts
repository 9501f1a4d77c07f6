import type { LabelledExample } from './evaluate.js';
import { featuresOf, score, type TopicModel, type TopicWeights } from './model.js';

/**
 * Training of the shipped topic model (model.ts): L2-regularised logistic
 * regression per topic by full-batch gradient descent, deterministic, so the
 * same data always gives the same JSON. The regularisation strength and the
 * veto threshold come from 5-fold cross-validation on the training data alone:
 * the largest threshold under which no true positive fell out of fold.
 */
export interface TrainingReport {
  topic: string;
  positives: number;
  lambda: number;
  drop: number;
  /** Out-of-fold: positives and negatives the drop threshold would veto. */
  cvVetoedPositives: number;
  cvVetoedNegatives: number;
}

const LAMBDAS = [0.001, 0.003, 0.01];
const DROP_GRID = [0.3, 0.2, 0.15, 0.1, 0.05, 0.02, 0.01];
const ITERATIONS = 2000;
const RATE = 0.5;
const FOLDS = 5;
const MIN_DOCS = 2;

interface Doc {
  features: string[];
  labels: readonly string[];
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Words in at least MIN_DOCS training documents: rarer ones would only memorise items. */
function vocabulary(docs: readonly Doc[]): Set<string> {
  const df = new Map<string, number>();
  for (const d of docs) for (const f of d.features) df.set(f, (df.get(f) ?? 0) + 1);
  return new Set([...df].filter(([, n]) => n >= MIN_DOCS).map(([f]) => f));
}

export function fitTopic(docs: readonly Doc[], topic: string, lambda: number): { bias: number; weights: Record<string, number> } {
  const vocab = [...vocabulary(docs)].sort();
  const index = new Map(vocab.map((f, i) => [f, i]));
  const rows = docs.map((d) => d.features.map((f) => index.get(f)).filter((i): i is number => i !== undefined));
  const y = docs.map((d) => (d.labels.includes(topic) ? 1 : 0));
  const w = new Float64Array(vocab.length);
  let bias = 0;
  const n = docs.length;
  for (let it = 0; it < ITERATIONS; it++) {
    const grad = new Float64Array(vocab.length);
    let gradBias = 0;
    rows.forEach((row, k) => {
      let z = bias;
      for (const i of row) z += w[i]!;
      const err = sigmoid(z) - y[k]!;
      gradBias += err;
      for (const i of row) grad[i]! += err;
    });
    bias -= (RATE * gradBias) / n;
    for (let i = 0; i < w.length; i++) w[i]! -= RATE * (grad[i]! / n + lambda * w[i]!);
  }
  const weights: Record<string, number> = {};
  vocab.forEach((f, i) => {
    const v = Math.round(w[i]! * 1000) / 1000;
    if (Math.abs(v) >= 0.01) weights[f] = v;
  });
  return { bias: Math.round(bias * 1000) / 1000, weights };
}

/** Out-of-fold probabilities, folds by position after the caller's fixed order. */
function crossValidate(docs: readonly Doc[], topic: string, lambda: number): number[] {
  const p = new Array<number>(docs.length).fill(0);
  for (let fold = 0; fold < FOLDS; fold++) {
    const train = docs.filter((_, i) => i % FOLDS !== fold);
    const model = fitTopic(train, topic, lambda);
    docs.forEach((d, i) => {
      if (i % FOLDS === fold) p[i] = score({ ...model, drop: 0 }, new Set(d.features)).probability;
    });
  }
  return p;
}

function logLoss(p: readonly number[], y: readonly number[]): number {
  return p.reduce((s, pi, i) => s - (y[i] ? Math.log(Math.max(pi, 1e-9)) : Math.log(Math.max(1 - pi, 1e-9))), 0) / p.length;
}

export function trainModel(examples: readonly LabelledExample[], topics: readonly string[], trainedOn: string): { model: TopicModel; report: TrainingReport[] } {
  const docs: Doc[] = examples.map((e) => ({ features: [...featuresOf(e)].sort(), labels: e.labels }));
  const out: Record<string, TopicWeights> = {};
  const report: TrainingReport[] = [];
  for (const topic of topics) {
    const y = docs.map((d) => (d.labels.includes(topic) ? 1 : 0));
    const runs = LAMBDAS.map((lambda) => ({ lambda, p: crossValidate(docs, topic, lambda) }));
    const best = runs.reduce((a, b) => (logLoss(b.p, y) < logLoss(a.p, y) ? b : a));
    const positives = y.filter(Boolean).length;
    // Veto only where cross-validation never vetoed a true positive.
    const drop = DROP_GRID.find((t) => best.p.every((pi, i) => !y[i] || pi >= t)) ?? 0;
    const fit = fitTopic(docs, topic, best.lambda);
    out[topic] = { bias: fit.bias, drop, weights: fit.weights };
    report.push({
      topic,
      positives,
      lambda: best.lambda,
      drop,
      cvVetoedPositives: best.p.filter((pi, i) => y[i] && pi < drop).length,
      cvVetoedNegatives: best.p.filter((pi, i) => !y[i] && pi < drop).length,
    });
  }
  const features = 'folded words of title, summary and content without function words, hyphenated compounds also by their parts; words in at least 2 training items';
  return { model: { version: 1, trainedOn, features, topics: out }, report };
}
