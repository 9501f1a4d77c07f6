import { describe, expect, it } from 'vitest';
import { crossValidate } from '../../src/classify/cross-validate.js';
import type { LabelledExample } from '../../src/classify/evaluate.js';
import { topicRulesSchema } from '../../src/classify/rules-schema.js';

const topics = { containers: topicRulesSchema.parse({ include: ['container*', 'docker*'], model: 'containers' }) };

// Container articles name Docker or Kubernetes; media-container items name MKV and subtitles. The rule
// "container*" alone finds all of them, so only the model, trained on the other folds, can tell them apart.
const software = ['Docker', 'Kubernetes', 'Docker Hub', 'Docker-Images', 'Kubernetes-Cluster'];
const media = ['MKV', 'MKV-Datei', 'Untertitel', 'MKV und Untertitel', 'Matroska MKV'];
const examples: LabelledExample[] = [
  ...software.flatMap((w, i) => [0, 1, 2].map((k) => ({ title: `Container mit ${w} ${i}${k}`, summary: 'Docker Kubernetes Container-Plattform', labels: ['containers'] }))),
  ...media.flatMap((w, i) => [0, 1, 2].map((k) => ({ title: `Container für ${w} ${i}${k}`, summary: 'Video MKV Untertitel Spuren', labels: [] }))),
  ...['Wetter', 'Fußball', 'Bahn'].map((w) => ({ title: `${w} am Montag`, labels: [] })),
];

describe('cross-validation within the tuning part', () => {
  // Run inside each test, not at collection: Stryker switches a mutant on for the tests only.
  const run = () => crossValidate(examples, [], topics, 5);

  it('classifies every item once, by a model that did not see it', () => {
    const cv = run();
    expect(cv.folds).toBe(5);
    expect(cv.withModel.examples).toBe(examples.length);
    expect(cv.rulesOnly.examples).toBe(examples.length);
  });

  it('shows what the model adds to the rules: the media containers are vetoed out of fold', () => {
    const cv = run();
    const rules = cv.rulesOnly.perTopic[0]!;
    const model = cv.withModel.perTopic[0]!;
    expect(rules.fp).toBe(media.length * 3);
    expect(model.fp).toBeLessThan(rules.fp);
    expect(model.tp).toBe(software.length * 3);
  });
});
