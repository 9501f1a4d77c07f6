/**
 * Curation.derive after a rules edit gives the topics that classifying every
 * stored article from scratch with the new rules gives, reads the texts
 * through the store, and leaves the new rules' topics stored for the next start.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { Curation, classifyStoredArticle } from '../../src/curate/curation.js';
import { rulesFor } from '../../src/daemon/daemon.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store-api.js';
import type { StoredArticle } from '../../src/types.js';
import { article, loadTestConfig } from '../fixtures/publish/german-linux-news.js';

const base = loadTestConfig();
const dir = mkdtempSync(join(tmpdir(), 'fk-curation-derive-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LINES = [
  'Linux-Kernel 6.18 erschienen', 'Kubernetes 1.32 mit neuem Scheduler', 'Hoster senkt Preise', 'Kochrezepte für den Herbst',
  'Wayland-Compositor für KDE', 'Podman ersetzt Docker', 'Torvalds über Rust for Linux', 'Käse aus dem Allgäu', 'Jupyter-Kernel für Python',
];
const TERMS = ['wayland', 'kde', 'herbst*', 'käse', '=podman', 'rust for linux', '*compositor', 'kochrezept*', 'scheduler ^0.5', 'preise'];

const source = fc.constantFrom('heise online', 'Golem', 'LWN');
const storedArticle = fc
  .record({ title: fc.nat(LINES.length - 1), summary: fc.nat(LINES.length - 1), body: fc.array(fc.nat(LINES.length - 1), { maxLength: 3 }), day: fc.nat(4), source })
;

function makeArticles(specs: { title: number; summary: number; body: number[]; day: number; source: string }[]): StoredArticle[] {
  return specs.map((s, i) => {
    const published = new Date(Date.UTC(2026, 10, 16 + s.day, i % 24)).toISOString();
    return article({
      id: `a${i}`,
      title: LINES[s.title]!,
      summary: LINES[s.summary]!,
      content: s.body.map((b) => `<p>${LINES[b]}</p>`).join(''),
      published,
      firstSeen: published,
      sources: [{ name: s.source, firstSeen: published }],
    });
  });
}

/** The config with one edit: a term added to or removed from a topic, a topic added, or a source restricted. */
const edit = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), term: fc.constantFrom(...TERMS), exclude: fc.boolean() }),
  fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('topic' as const), terms: fc.subarray(TERMS, { minLength: 1 }) }),
  fc.record({ kind: fc.constant('restrict' as const), source }),
);

function edited(config: Config, e: typeof edit extends fc.Arbitrary<infer E> ? E : never): Config {
  const [first, ...rest] = Object.entries(config.topics);
  const [name, topic] = first!;
  switch (e.kind) {
    case 'add':
      return { ...config, topics: { [name]: e.exclude ? { ...topic, exclude: [...topic.exclude, e.term] } : { ...topic, include: [...topic.include, e.term] } , ...Object.fromEntries(rest) } };
    case 'remove': {
      const include = topic.include.filter((_, i) => i !== e.at % topic.include.length);
      const homonyms = Object.fromEntries(Object.entries(topic.homonyms).filter(([term]) => include.includes(term)));
      return include.length === 0 ? config : { ...config, topics: { [name]: { ...topic, include, homonyms }, ...Object.fromEntries(rest) } };
    }
    case 'topic':
      return { ...config, topics: { ...config.topics, neu: { include: e.terms, exclude: [], homonyms: {}, minScore: 1, titleWeight: 1, contentWeight: 1 } } };
    case 'restrict':
      return { ...config, sources: [...config.sources, { ...config.sources[0]!, name: e.source, url: 'http://127.0.0.1/x', topics: [name] }] };
  }
}

async function freshStore(name: string, articles: readonly StoredArticle[]): Promise<Store> {
  const store = await openStore({ storePath: join(dir, name, 'feedkurator.json') });
  await store.importData({ articles });
  await store.flush();
  return store;
}

const topicsOf = (c: Curation): Map<string, string[]> => new Map(c.listCurated().map((h) => [h.head.id, h.topics]));

describe('Curation.derive', () => {
  let round = 0;
  it('gives the topics of classifying every article from scratch, after random edits', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(storedArticle, { minLength: 1, maxLength: 40 }), fc.array(edit, { minLength: 1, maxLength: 3 }), async (specs, edits) => {
        const articles = makeArticles(specs);
        const store = await freshStore(`r${round++}`, articles);
        try {
          let config = base;
          let curation = await Curation.open(store, rulesFor(config));
          for (const e of edits) {
            config = edited(config, e);
            const rules = rulesFor(config);
            curation = await Curation.derive(curation, store, rules);
            const expected = new Map<string, string[]>();
            for (const a of articles) {
              const topics = classifyStoredArticle(rules.classifier, a).topics;
              if (topics.length > 0) expected.set(a.id, topics);
            }
            expect(topicsOf(curation)).toEqual(expected);
            // Kept for the next start under the new fingerprint: opening classifies nothing and agrees.
            expect(topicsOf(await Curation.open(store, rules))).toEqual(expected);
          }
        } finally {
          await store.close();
        }
      }),
      { numRuns: 40 },
    );
  }, 180_000);

  it('classifies again only the articles an added term hits', async () => {
    const articles = makeArticles(Array.from({ length: 30 }, (_, i) => ({ title: i % 4, summary: 3, body: i === 7 ? [4] : [0], day: i % 3, source: 'heise online' })));
    const store = await freshStore('only-hit', articles);
    try {
      const before = await Curation.open(store, rulesFor(base));
      const [name, topic] = Object.entries(base.topics)[0]!;
      const next = { ...base, topics: { ...base.topics, [name]: { ...topic, include: [...topic.include, 'wayland'] } } };
      const rules = rulesFor(next);
      const seen: string[] = [];
      const counting = { ...rules, classifier: { ...rules.classifier, classify: (t: Parameters<typeof rules.classifier.classify>[0]) => (seen.push(t.title), rules.classifier.classify(t)) } };
      const after = await Curation.derive(before, store, counting);
      // Only a7 has "Wayland" (in its content); every other article keeps its topics unclassified.
      expect(seen).toEqual([articles[7]!.title]);
      expect(topicsOf(after).get('a7')).toContain(name);
    } finally {
      await store.close();
    }
  });
});
