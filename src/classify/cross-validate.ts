import type { Config } from '../config/schema.js';
import { compileRules } from './classifier.js';
import { evaluate, type EvaluationReport, type LabelledExample } from './evaluate.js';
import { trainModel } from './train-model.js';

/**
 * k-fold cross-validation within the tuning part, the estimate of how the
 * rules and the word model do on items they were not fitted to without
 * looking at the held-out part. Per fold the model is retrained on the other
 * folds (plus `extraTraining`, the old set's tuning file) and the rules are
 * compiled with that model; the fold's items are then classified. The rules
 * themselves are hand-written from the whole tuning part, so for them this is
 * an optimistic figure; for the model it is an honest one.
 */
export interface CrossValidation {
  folds: number;
  /** Rules with the per-fold model, as shipped (topics that name a model consult it). */
  withModel: EvaluationReport;
  /** The same rules without any model. */
  rulesOnly: EvaluationReport;
}

export function crossValidate(
  tuning: readonly LabelledExample[],
  extraTraining: readonly LabelledExample[],
  topics: Config['topics'],
  folds = 5,
): CrossValidation {
  const fold = assignFolds(tuning, folds);
  const names = Object.keys(topics);
  const predicted = new Map<LabelledExample, string[]>();
  for (let f = 0; f < folds; f++) {
    const train = tuning.filter((_, i) => fold[i] !== f);
    const { model } = trainModel([...train, ...extraTraining], names.filter((t) => topics[t]!.model), `fold ${f + 1} of ${folds}`);
    const classifier = compileRules(topics, undefined, model);
    tuning.forEach((ex, i) => {
      if (fold[i] === f) predicted.set(ex, classifier.classify(ex).topics);
    });
  }
  const withoutModel = Object.fromEntries(Object.entries(topics).map(([name, { model: _model, ...rules }]) => [name, rules]));
  const rules = compileRules(withoutModel);
  const byItem = new Map(tuning.map((ex) => [textKey(ex), predicted.get(ex)!]));
  return {
    folds,
    withModel: evaluate(tuning, names, (t) => ({ topics: byItem.get(textKey(t)) ?? [] })),
    rulesOnly: evaluate(tuning, names, (t) => rules.classify(t)),
  };
}

/** Stratified by label combination, round-robin in the set's order: deterministic, and every fold gets its share of the few positives. */
function assignFolds(items: readonly LabelledExample[], folds: number): number[] {
  const next = new Map<string, number>();
  return items.map((ex) => {
    const key = [...ex.labels].sort().join('+');
    const n = next.get(key) ?? 0;
    next.set(key, n + 1);
    return n % folds;
  });
}

function textKey(t: { title: string; summary?: string }): string {
  return `${t.title}\n${t.summary ?? ''}`;
}
