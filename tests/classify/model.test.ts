import { beforeEach, describe, expect, it } from 'vitest';
import { addFeatures, describeContribution, featuresOf, score, SHIPPED_MODEL, type TopicModel } from '../../src/classify/model.js';
import { tokenize } from '../../src/classify/tokenize.js';
import { foldText } from '../../src/text/fold.js';
import { trainModel } from '../../src/classify/train-model.js';
import type { Classifier } from '../../src/classify/classifier.js';
import { rules } from './helpers.js';

/** A model small enough to reason about: "mkv" speaks against containers, "docker" for it. */
const tiny: TopicModel = {
  version: 1,
  trainedOn: 'test',
  features: 'test',
  topics: { containers: { bias: 0, drop: 0.2, weights: { mkv: -4, docker: 3, untertitel: -1 } } },
};

describe('word features', () => {
  it('are folded words without function words; hyphenated compounds count whole and by their parts', () => {
    const f = featuresOf({ title: 'Die Container-Images für Docker', summary: 'Größere Umlaute', content: '<p>und <b>Kubernetes</b></p>' });
    expect([...f].sort()).toEqual(['container', 'container-images', 'docker', 'groessere', 'images', 'kubernetes', 'umlaute'].sort());
  });

  it('chains of single hyphens or underscores make one compound; other punctuation separates', () => {
    const f = featuresOf({ title: 'linux-6.12-rc1 a--b x_y-z (sched_ext) c++-container' });
    expect([...f].sort()).toEqual(['12', '12-rc1', 'container', 'ext', 'linux', 'linux-6', 'rc1', 'sched', 'sched_ext', 'x_y-z'].sort());
  });

  it('limited to a vocabulary (what the classifier veto uses): exactly the full features in it, in the same order', () => {
    const text = 'Die Container-Images für Docker: linux-6.12-rc1, sched_ext und Kubernetes im Container';
    const all = new Set<string>();
    addFeatures(tokenize(foldText(text)), all);
    const only = new Set(['container-images', 'docker', 'linux-6', 'sched_ext', 'kubernetes', 'nirgends', 'und']);
    const limited = new Set<string>();
    addFeatures(tokenize(foldText(text)), limited, only);
    expect([...limited]).toEqual([...all].filter((f) => only.has(f)));
    expect([...limited]).toEqual(['container-images', 'docker', 'linux-6', 'sched_ext', 'kubernetes']);
  });
});

describe('score and its explanation', () => {
  it('adds the weights of the words found to the bias and lists them, heaviest first', () => {
    const c = score(tiny.topics.containers!, featuresOf({ title: 'Docker und MKV' }));
    expect(c.probability).toBeCloseTo(1 / (1 + Math.exp(1)), 6);
    expect(c.terms).toEqual([
      { term: 'mkv', weight: -4 },
      { term: 'docker', weight: 3 },
    ]);
    expect(describeContribution(c)).toBe('model 0.27: mkv -4.00, docker +3.00');
  });
});

describe('words that are also names on Object.prototype', () => {
  it('weigh nothing instead of breaking the sum', () => {
    const c = score(tiny.topics.containers!, featuresOf({ title: 'Docker constructor tostring valueof hasownproperty' }));
    expect(c.probability).toBeCloseTo(1 / (1 + Math.exp(-3)), 6);
    expect(c.terms).toEqual([{ term: 'docker', weight: 3 }]);
  });
});

describe('the model as a second opinion in the classifier', () => {
  // Compiled before each test, not at collection, where a mutation run's mutants are not switched on (docs/mutation.md).
  let c: Classifier;
  beforeEach(() => {
    c = rules({ containers: { include: ['container*', 'docker*'], model: 'containers' } }, undefined, tiny);
  });

  it('vetoes a rules match it finds very unlikely and says which words decided', () => {
    const r = c.classify({ title: 'MKV-Container mit Untertitel' });
    expect(r.topics).toEqual([]);
    expect(r.matches).toEqual({});
    expect(r.excluded.containers).toEqual(['model 0.01: mkv -4.00, untertitel -1.00']);
  });

  it('keeps a rules match it does not find unlikely, and never adds a topic the rules did not give', () => {
    expect(c.classify({ title: 'Container für Docker' }).topics).toEqual(['containers']);
    expect(c.classify({ title: 'Docker ohne Container' }).topics).toEqual(['containers']);
    expect(c.classify({ title: 'Ein Text über Docker-Preise' }).topics).toEqual(['containers']);
    expect(c.classify({ title: 'Neues Smartphone' }).topics).toEqual([]);
  });

  it('is consulted only by topics that ask for it', () => {
    const without = rules({ containers: { include: ['container*'] } }, undefined, tiny);
    expect(without.classify({ title: 'MKV-Container mit Untertitel' }).topics).toEqual(['containers']);
    expect(without.modelContributions({ title: 'MKV-Container' })).toEqual({});
  });

  it('a topic may only name a topic of the shipped model', () => {
    expect(() => rules({ security: { include: ['cve'], model: 'security' } })).toThrow(/model must be one of the shipped model's topics: kernel, containers, hosting/);
  });
});

describe('training', () => {
  const examples = [
    ...['Docker 28 erschienen', 'Kubernetes-Cluster absichern', 'Docker-Images signieren', 'Podman ersetzt Docker', 'Kubernetes 1.33 erschienen'].map((title) => ({ title, labels: ['containers'] })),
    ...['MKV-Dateien abspielen', 'Smartphone im Test', 'MKV ohne Untertitel', 'Tablet im Test', 'Neues Smartphone erschienen'].map((title) => ({ title, labels: [] })),
  ];

  it('is deterministic and learns words for and against a topic from the examples alone', () => {
    const a = trainModel(examples, ['containers'], 'unit test');
    const b = trainModel(examples, ['containers'], 'unit test');
    expect(a.model).toEqual(b.model);
    const w = a.model.topics.containers!.weights;
    expect(w.docker).toBeGreaterThan(0);
    expect(w.kubernetes).toBeGreaterThan(0);
    expect(w.mkv).toBeLessThan(0);
    expect(w.smartphone).toBeLessThan(0);
    expect(a.report[0]).toMatchObject({ topic: 'containers', positives: 5, cvVetoedPositives: 0 });
  });

  it('the shipped model covers the default topics and says what it was trained on', () => {
    expect(Object.keys(SHIPPED_MODEL.topics)).toEqual(['kernel', 'containers', 'hosting']);
    expect(SHIPPED_MODEL.trainedOn).toMatch(/tuning part .*held-out parts never read/);
    for (const t of Object.values(SHIPPED_MODEL.topics)) expect(Object.keys(t.weights).length).toBeGreaterThan(100);
  });
});
