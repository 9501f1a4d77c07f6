#!/usr/bin/env node
/**
 * `npm run eval`: precision, recall and F1 of the default topic rules next to
 * the naive substring baseline, on the old labelled set (tuning, holdout, all)
 * and on the independent news set (news-tuning, news-holdout; see
 * tests/fixtures/topics/README.md). Options: --config PATH,
 * --split tuning|holdout|news-tuning|news-holdout|all, --misses (list them all),
 * --throughput, --cv (5-fold cross-validation within the news set's tuning part,
 * the model retrained per fold; see cross-validate.ts). Misses of news-holdout are counted, never listed: nobody tunes
 * on what they cannot see.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.js';
import { describeError } from '../errors.js';
import { compileRules, type Classifier } from './classifier.js';
import { crossValidate } from './cross-validate.js';
import { classifyBySubstring, evaluate, readLabelledSet, SUBSTRING_BASELINE, type EvaluationReport, type LabelledExample } from './evaluate.js';
import { loadNewsParts } from './news-set.js';
import { measureThroughput } from './throughput.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURES = path.join(ROOT, 'tests', 'fixtures', 'topics');
const OLD_SPLITS = { tuning: 'labelled-tuning.jsonl', holdout: 'labelled-holdout.jsonl' } as const;
const NEWS_SPLITS = ['news-tuning', 'news-holdout'] as const;
/** Sets whose misses are never printed. */
const BLIND = new Set(['news-holdout']);

function pct(x: number): string {
  return x.toFixed(3);
}

function printReport(name: string, report: EvaluationReport, baseline: EvaluationReport): void {
  console.log(`\n== ${name}: ${report.examples} examples`);
  console.log('topic        precision  recall  F1     | substring baseline F1');
  for (const t of report.perTopic) {
    const b = baseline.perTopic.find((x) => x.topic === t.topic);
    console.log(
      `${t.topic.padEnd(12)} ${pct(t.precision).padStart(9)}  ${pct(t.recall).padStart(6)}  ${pct(t.f1)}  | ${b ? pct(b.f1) : '-'}` +
        `   (tp ${t.tp}, fp ${t.fp}, fn ${t.fn})`,
    );
  }
  console.log(
    `${'micro'.padEnd(12)} ${pct(report.micro.precision).padStart(9)}  ${pct(report.micro.recall).padStart(6)}  ${pct(report.micro.f1)}  | ${pct(baseline.micro.f1)}`,
  );
}

function main(): void {
  const { values } = parseArgs({
    options: {
      config: { type: 'string' },
      split: { type: 'string', default: 'all' },
      misses: { type: 'boolean', default: false },
      throughput: { type: 'boolean', default: false },
      cv: { type: 'boolean', default: false },
    },
  });
  // Only the topics matter here: server overrides from the environment (PORT, BASE_URL …) must not make the evaluation fail.
  const config = loadConfig({ configPath: values.config ?? path.join(ROOT, 'config', 'feedkurator.yaml'), env: {} });
  const classifier: Classifier = compileRules(config.topics);
  const baselineNeedles = Object.fromEntries(Object.entries(SUBSTRING_BASELINE).filter(([t]) => t in config.topics));
  const baseline = classifyBySubstring(baselineNeedles);

  console.log(`rules: ${config.file}`);
  if (values.cv) {
    // Only the tuning parts: cross-validation is how tuning estimates what it cannot look at.
    const { tuning } = loadNewsParts(FIXTURES);
    const old = readLabelledSet(path.join(FIXTURES, OLD_SPLITS.tuning));
    const cv = crossValidate(tuning, old, config.topics);
    const naive = evaluate(tuning, classifier.topics, baseline);
    printReport(`news-tuning, ${cv.folds}-fold cross-validation, rules + model retrained per fold`, cv.withModel, naive);
    for (const m of values.misses ? cv.withModel.misses : []) console.log(`  - ${m.title}\n      expected [${m.expected.join(', ')}], got [${m.got.join(', ')}]`);
    printReport('news-tuning, the same rules without the model', cv.rulesOnly, naive);
    return;
  }
  const sets = chooseSets(values.split!);
  for (const [name, examples] of sets) {
    const report = evaluate(examples, classifier.topics, (t) => classifier.classify(t));
    printReport(name, report, evaluate(examples, classifier.topics, baseline));
    if (BLIND.has(name)) {
      console.log(`misses: ${report.misses.length} (held-out: not listed)`);
      continue;
    }
    const shown = values.misses ? report.misses : report.misses.slice(0, 15);
    if (shown.length > 0) console.log(`misses (${report.misses.length}${values.misses ? '' : ', --misses for all'}):`);
    for (const m of shown) {
      console.log(`  - ${m.title}\n      expected [${m.expected.join(', ')}], got [${m.got.join(', ')}]${m.note ? `  (${m.note})` : ''}`);
    }
  }
  if (values.throughput) {
    const all = sets.flatMap(([, ex]) => ex);
    for (const withContent of [true, false]) {
      const r = measureThroughput(classifier, all, { withContent });
      const what = withContent ? `title + summary + ${r.contentBytes} bytes of HTML content` : 'title + summary';
      console.log(
        `throughput: ${Math.round(r.perSecond)} articles/s wall clock, ${Math.round(r.perCpuSecond)} per CPU second (${what}, ${r.articles} articles)`,
      );
    }
  }
}

function chooseSets(split: string): [string, LabelledExample[]][] {
  const known = [...Object.keys(OLD_SPLITS), ...NEWS_SPLITS, 'all'];
  if (!known.includes(split)) throw new Error(`unknown --split "${split}" (${known.join(', ')})`);
  const sets: [string, LabelledExample[]][] = [];
  const old = split === 'all' ? (['tuning', 'holdout'] as const) : split in OLD_SPLITS ? [split as keyof typeof OLD_SPLITS] : [];
  for (const name of old) sets.push([name, readLabelledSet(path.join(FIXTURES, OLD_SPLITS[name]))]);
  if (old.length > 1) sets.push(['all', sets.flatMap(([, ex]) => ex)]);
  if (split === 'all' || split.startsWith('news-')) {
    const parts = loadNewsParts(FIXTURES);
    if (split !== 'news-holdout') sets.push(['news-tuning', parts.tuning]);
    if (split !== 'news-tuning') sets.push(['news-holdout', parts.holdout]);
  }
  return sets;
}

try {
  main();
} catch (err) {
  console.error(`eval: ${describeError(err)}`);
  process.exitCode = 2;
}
