#!/usr/bin/env node
/**
 * Retrains src/classify/topic-model.json from the tuning parts only: the news
 * set's tuning part and the old set's tuning file. Never reads the held-out
 * parts. Run: npx tsx src/classify/train-model-cli.ts
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readLabelledSet } from './evaluate.js';
import { loadNewsParts } from './news-set.js';
import { trainModel } from './train-model.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURES = path.join(ROOT, 'tests', 'fixtures', 'topics');

const { tuning } = loadNewsParts(FIXTURES);
const old = readLabelledSet(path.join(FIXTURES, 'labelled-tuning.jsonl'));
const trainedOn = `news-set tuning part (${tuning.length} items) + labelled-tuning.jsonl (${old.length} items); held-out parts never read`;
const { model, report } = trainModel([...tuning, ...old], ['kernel', 'containers', 'hosting'], trainedOn);
writeFileSync(path.join(ROOT, 'src', 'classify', 'topic-model.json'), `${JSON.stringify(model, null, 1)}\n`);
for (const r of report) {
  const weights = Object.keys(model.topics[r.topic]!.weights).length;
  console.log(`${r.topic}: ${r.positives} positives, lambda ${r.lambda}, veto below ${r.drop}, ${weights} weights; cross-validation: ${r.cvVetoedPositives} positives and ${r.cvVetoedNegatives} negatives would be vetoed`);
}
