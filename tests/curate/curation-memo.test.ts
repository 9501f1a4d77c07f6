/**
 * Curation.classifyArticle remembers its recent answers: the same article
 * with the same text and sources is not classified twice while it is among
 * the newest 5,000; another text or source is; what it remembers is bounded.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Classifier } from '../../src/classify/classifier.js';
import { Curation } from '../../src/curate/curation.js';
import { rulesFor } from '../../src/daemon/daemon.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store-api.js';
import { article, loadTestConfig } from '../fixtures/publish/german-linux-news.js';
import { makeTempDir } from '../helpers/cli.js';

const stores: Store[] = [];
afterAll(async () => {
  for (const store of stores) await store.close();
});

/** A curation over an empty store whose classifier counts its calls. */
async function countingCuration(): Promise<{ curation: Curation; calls: () => number }> {
  const rules = rulesFor(loadTestConfig());
  let calls = 0;
  const counted: Classifier = {
    topics: rules.classifier.topics,
    classify: (text) => (calls++, rules.classifier.classify(text)),
    modelContributions: (text) => rules.classifier.modelContributions(text),
  };
  const store = await openStore({ storePath: join(makeTempDir('fk-curation-memo-'), 'feedkurator.json') });
  stores.push(store);
  return { curation: await Curation.open(store, { ...rules, classifier: counted }), calls: () => calls };
}

const nth = (i: number, overrides: Partial<Parameters<typeof article>[0]> = {}) =>
  article({ id: `a${i}`, title: i % 2 ? 'Linux-Kernel 6.18 erschienen' : 'Kochrezepte für den Herbst', ...overrides });

describe('Curation.classifyArticle', () => {
  it('classifies an article once while it is among the newest 5,000 it classified, again after that', async () => {
    const { curation, calls } = await countingCuration();
    const first = Array.from({ length: 12_000 }, (_, i) => curation.classifyArticle(nth(i)));
    expect(calls()).toBe(12_000);
    // The newest 5,000 again: all remembered, the same answers.
    for (let i = 7_000; i < 12_000; i++) expect(curation.classifyArticle(nth(i))).toBe(first[i]);
    expect(calls()).toBe(12_000);
    // The oldest is long gone: classified again, to the same topics.
    expect(curation.classifyArticle(nth(0)).topics).toEqual(first[0]!.topics);
    expect(calls()).toBe(12_001);
  });

  it('classifies again when the text or the sources changed', async () => {
    const { curation, calls } = await countingCuration();
    const before = curation.classifyArticle(nth(1));
    expect(curation.classifyArticle(nth(1, { contentHash: 'other' }))).not.toBe(before);
    expect(calls()).toBe(2);
    curation.classifyArticle(nth(1, { contentHash: 'other', sources: [{ name: 'Golem', firstSeen: '2026-11-20T08:00:00.000Z' }] }));
    expect(calls()).toBe(3);
    // The latest answer is the one remembered.
    curation.classifyArticle(nth(1, { contentHash: 'other', sources: [{ name: 'Golem', firstSeen: '2026-11-20T08:00:00.000Z' }] }));
    expect(calls()).toBe(3);
  });
});
