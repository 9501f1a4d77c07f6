#!/usr/bin/env node
/**
 * `npm run eval`: precision, recall and F1 of the default topic rules on the
 * labelled set in tests/fixtures/topics/, next to the naive substring
 * baseline, and the misses. Options: --config PATH, --split tuning|holdout|all,
 * --misses (list them all), --throughput.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.js';
import { describeError } from '../errors.js';
import { compileRules, type Classifier } from './classifier.js';
import { classifyBySubstring, evaluate, readLabelledSet, SUBSTRING_BASELINE, type EvaluationReport, type LabelledExample } from './evaluate.js';
import { measureThroughput } from './throughput.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SPLITS = { tuning: 'labelled-tuning.jsonl', holdout: 'labelled-holdout.jsonl' } as const;

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
    },
  });
  // Only the topics matter here: server overrides from the environment (PORT, BASE_URL …) must not make the evaluation fail.
  const config = loadConfig({ configPath: values.config ?? path.join(ROOT, 'config', 'feedkurator.yaml'), env: {} });
  const classifier: Classifier = compileRules(config.topics);
  const baselineNeedles = Object.fromEntries(Object.entries(SUBSTRING_BASELINE).filter(([t]) => t in config.topics));
  const baseline = classifyBySubstring(baselineNeedles);

  const wanted = values.split === 'all' ? (['tuning', 'holdout'] as const) : [values.split];
  const sets: [string, LabelledExample[]][] = [];
  for (const split of wanted) {
    if (!(split in SPLITS)) throw new Error(`unknown --split "${split}" (tuning, holdout or all)`);
    sets.push([split, readLabelledSet(path.join(ROOT, 'tests', 'fixtures', 'topics', SPLITS[split as keyof typeof SPLITS]))]);
  }
  if (sets.length > 1) sets.push(['all', sets.flatMap(([, ex]) => ex)]);

  console.log(`rules: ${config.file}`);
  for (const [name, examples] of sets) {
    const report = evaluate(examples, classifier.topics, (t) => classifier.classify(t));
    printReport(name, report, evaluate(examples, classifier.topics, baseline));
    const shown = values.misses ? report.misses : report.misses.slice(0, 15);
    if (shown.length > 0) console.log(`misses (${report.misses.length}${values.misses ? '' : ', --misses for all'}):`);
    for (const m of shown) {
      console.log(`  - ${m.title}\n      expected [${m.expected.join(', ')}], got [${m.got.join(', ')}]${m.note ? `  (${m.note})` : ''}`);
    }
  }
  if (values.throughput) {
    const all = sets.at(-1)![1];
    for (const withContent of [true, false]) {
      const r = measureThroughput(classifier, all, { withContent });
      const what = withContent ? `title + summary + ${r.contentBytes} bytes of HTML content` : 'title + summary';
      console.log(
        `throughput: ${Math.round(r.perSecond)} articles/s wall clock, ${Math.round(r.perCpuSecond)} per CPU second (${what}, ${r.articles} articles)`,
      );
    }
  }
}

try {
  main();
} catch (err) {
  console.error(`eval: ${describeError(err)}`);
  process.exitCode = 2;
}
