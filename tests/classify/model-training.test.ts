import { describe, expect, it } from 'vitest';
import { fitTopic, trainModel } from '../../src/classify/train-model.js';

/**
 * Training is deterministic ("the same data always gives the same JSON"), so
 * small sets have exact expected weights: the figures below were produced by
 * this implementation and are pinned on purpose, next to the properties that
 * make them plausible (signs, symmetry, regularisation, vocabulary).
 */
const docs = [
  { features: ['docker', 'container'], labels: ['containers'] },
  { features: ['docker', 'kubernetes'], labels: ['containers'] },
  { features: ['kubernetes', 'container'], labels: ['containers'] },
  { features: ['mkv', 'container'], labels: [] },
  { features: ['mkv', 'video'], labels: [] },
  { features: ['video', 'einmal'], labels: [] },
];

describe('fitTopic', () => {
  // Fitted inside each test, not at collection: Stryker switches a mutant on for the tests only.
  const fit = (lambda: number) => fitTopic(docs, 'containers', lambda);

  it('learns words for and against the topic, symmetric words alike, rare words not at all', () => {
    const strong = fit(0.01);
    expect(strong).toEqual({ bias: -0.802, weights: { container: 1.019, docker: 2.081, kubernetes: 2.081, mkv: -2.195, video: -1.58 } });
    // "einmal" is in one document only: it would memorise that item.
    expect(strong.weights).not.toHaveProperty('einmal');
    // In vocabulary order, so that the shipped JSON is the same file for the same data.
    expect(Object.keys(strong.weights)).toEqual(['container', 'docker', 'kubernetes', 'mkv', 'video']);
  });

  it('weaker regularisation gives larger weights', () => {
    const strong = fit(0.01);
    const weak = fit(0.001);
    expect(weak).toEqual({ bias: -1.179, weights: { container: 1.683, docker: 3.479, kubernetes: 3.479, mkv: -4.171, video: -2.933 } });
    for (const [word, w] of Object.entries(strong.weights)) expect(Math.abs(weak.weights[word]!), word).toBeGreaterThan(Math.abs(w));
  });

  it('a word on both sides gets a small weight, in the direction of where it is more telling', () => {
    const both = docs.map((d, i) => (i === 0 || i === 3 ? { ...d, features: [...d.features, 'neu'] } : d));
    expect(fitTopic(both, 'containers', 0.01)).toEqual({
      bias: -0.702, weights: { container: 1.108, docker: 2.147, kubernetes: 1.962, mkv: -2.12, neu: -0.319, video: -1.645 },
    });
  });

  it('a topic without positives gets a strongly negative bias and no weights of note', () => {
    const none = fitTopic(docs, 'kernel', 0.01);
    expect(none.bias).toBeLessThan(-3);
    for (const w of Object.values(none.weights)) expect(Math.abs(w)).toBeLessThan(0.5);
  });
});

describe('trainModel', () => {
  const titles = (list: string[], labels: string[]) => list.map((title) => ({ title, labels }));
  const examples = [
    ...titles(['Docker 28 erschienen', 'Kubernetes-Cluster absichern', 'Docker-Images signieren', 'Podman ersetzt Docker', 'Kubernetes 1.33 erschienen', 'Docker Desktop', 'Kubernetes Operator', 'Podman Desktop'], ['containers']),
    ...titles(['MKV-Dateien abspielen', 'Smartphone im Test', 'MKV ohne Untertitel', 'Tablet im Test', 'Neues Smartphone erschienen', 'Wetter im Test', 'Fußball heute', 'Bahn streikt', 'Bahn Fußball Wetter', 'Smartphone Bahn', 'Tablet Wetter', 'MKV Fußball'], []),
  ];
  const train = () => trainModel(examples, ['containers', 'kernel'], 'Testdaten');

  it('picks the regularisation with the best out-of-fold log loss and the largest veto threshold that spares every positive', () => {
    const { report } = train();
    expect(report).toEqual([
      { topic: 'containers', positives: 8, lambda: 0.001, drop: 0.2, cvVetoedPositives: 0, cvVetoedNegatives: 9 },
      { topic: 'kernel', positives: 0, lambda: 0.01, drop: 0.3, cvVetoedPositives: 0, cvVetoedNegatives: 20 },
    ]);
  });

  it('writes the model with its provenance, features description and per-topic weights', () => {
    const { model } = train();
    expect(model.version).toBe(1);
    expect(model.trainedOn).toBe('Testdaten');
    expect(model.features).toMatch(/^folded words of title, summary and content without function words.*words in at least 2 training items$/);
    expect(Object.keys(model.topics)).toEqual(['containers', 'kernel']);
    expect(model.topics.containers).toEqual({
      bias: -1.11, drop: 0.2,
      weights: {
        bahn: -2.126, desktop: 2.155, docker: 4.139, erschienen: 0.485, fussball: -2.122, kubernetes: 4.423, mkv: -2.596,
        podman: 2.155, smartphone: -2.521, tablet: -1.48, test: -1.669, wetter: -1.548,
      },
    });
    expect(model.topics.kernel!.bias).toBe(-6.757);
    // Rounded to three decimals.
    for (const w of Object.values(model.topics.kernel!.weights)) expect(Math.round(w * 1000) / 1000).toBe(w);
  });
});
