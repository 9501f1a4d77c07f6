/**
 * Curation.derive after a rules edit gives the topics that classifying every
 * stored article from scratch with the new rules gives, reads the texts
 * through the store, and leaves the new rules' topics stored for the next start.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { Curation, classifyStoredArticle } from '../../src/curate/curation.js';
import { sortInSlices } from '../../src/curate/sort-in-slices.js';
import { wordsPrefixOf } from '../../src/curate/words-file.js';
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
  'Der Waylandcompositor stürzt ab',
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

/** The real store, with its reads noted in `read`: the ids of getArticles, '*' for a streamArticles. */
function watchReads(store: Store, read: string[]): Store {
  return new Proxy(store, {
    get(target, key) {
      if (key === 'getArticles') return async (ids: readonly string[]) => (read.push(...ids), target.getArticles(ids));
      if (key === 'streamArticles') return (size?: number) => (read.push('*'), target.streamArticles(size));
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

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
            // Kept for the next start under the new fingerprint: opening classifies nothing and agrees, in the same order.
            const reopened = await Curation.open(store, rules);
            expect(topicsOf(reopened)).toEqual(expected);
            expect(curation.listCurated().map((c) => c.head.id)).toEqual(reopened.listCurated().map((c) => c.head.id));
          }
        } finally {
          await store.close();
        }
      }),
      { numRuns: 40 },
    );
  }, 180_000);

  it('reads only the days whose texts may hold an added term, once a first edit has read them all', async () => {
    // a7 (day 1) has "Wayland" in its text only; a13 (day 1) has "Kochrezepte" in its text only.
    // a20 (day 2) has "Waylandcompositor" in its text only.
    const articles = makeArticles(Array.from({ length: 30 }, (_, i) => ({ title: 0, summary: 1, body: i === 7 ? [4] : i === 13 ? [3] : i === 20 ? [9] : [5], day: i % 3, source: 'heise online' })));
    const store = await freshStore('days', articles);
    const read: string[] = [];
    const watched = watchReads(store, read);
    try {
      const [name, topic] = Object.entries(base.topics)[0]!;
      const withTerms = (...terms: string[]): Config => ({ ...base, topics: { ...base.topics, [name]: { ...topic, include: [...topic.include, ...terms] } } });
      // Nothing stored for these rules yet: every text is read and classified (and its words noted).
      let curation = await Curation.open(watched, rulesFor(base));
      expect(read).toEqual(['*']);
      for (const [terms, day] of [[['kde'], 1], [['kde', 'wayland'], 1], [['kde', 'wayland', 'kochrezept'], 1], [['kde', 'wayland', 'kochrezept', 'flatpak'], undefined]] as const) {
        read.length = 0;
        const rules = rulesFor(withTerms(...terms));
        curation = await Curation.derive(curation, watched, rules);
        const days = new Set(read.map((id) => articles.find((a) => a.id === id)!.firstSeen.slice(0, 10)));
        expect([...days]).toEqual(day === undefined ? [] : [articles[day]!.firstSeen.slice(0, 10)]);
        const expected = new Map(articles.map((a) => [a.id, classifyStoredArticle(rules.classifier, a).topics] as const).filter(([, t]) => t.length > 0));
        expect(topicsOf(curation)).toEqual(expected);
      }
      expect(topicsOf(curation).get('a7')).toContain(name);
      expect(topicsOf(curation).get('a13')).toContain(name);
      // A term with a star has no word to look up: every day is read. "*compositor" hits "Waylandcompositor" (a20, day 2) too.
      read.length = 0;
      const starred = rulesFor(withTerms('kde', 'wayland', 'kochrezept', 'flatpak', '*compositor'));
      curation = await Curation.derive(curation, watched, starred);
      expect(read).toEqual(['*']);
      expect(topicsOf(curation).get('a20')).toContain(name);
    } finally {
      await store.close();
    }
  });

  it('after a start that classified nothing, the first edit reads every day once', async () => {
    const articles = makeArticles(Array.from({ length: 12 }, (_, i) => ({ title: 0, summary: 1, body: i === 7 ? [4] : [5], day: i % 3, source: 'heise online' })));
    const store = await freshStore('restart', articles);
    try {
      await Curation.open(store, rulesFor(base)); // classifies and stores the topics
      await store.flush();
    } finally {
      await store.close();
    }
    const reopened = await openStore({ storePath: join(dir, 'restart', 'feedkurator.json') });
    try {
      const [name, topic] = Object.entries(base.topics)[0]!;
      const withTerms = (...terms: string[]): Config => ({ ...base, topics: { ...base.topics, [name]: { ...topic, include: [...topic.include, ...terms] } } });
      let curation = await Curation.open(reopened, rulesFor(base));
      for (const terms of [['flatpak'], ['flatpak', 'wayland']]) {
        const rules = rulesFor(withTerms(...terms));
        curation = await Curation.derive(curation, reopened, rules);
        const expected = new Map(articles.map((a) => [a.id, classifyStoredArticle(rules.classifier, a).topics] as const).filter(([, t]) => t.length > 0));
        expect(topicsOf(curation)).toEqual(expected);
      }
      expect(topicsOf(curation).get('a7')).toContain(name);
    } finally {
      await reopened.close();
    }
  });

  it('after a restart, the first edit reads only the days whose written filter may hold the term or cannot be trusted', async () => {
    // a7 (day 1) has "Wayland-Compositor für KDE" in its text; every other text is "Podman ersetzt Docker".
    const articles = makeArticles(Array.from({ length: 12 }, (_, i) => ({ title: 0, summary: 1, body: i === 7 ? [4] : [5], day: i % 3, source: 'heise online' })));
    const storePath = join(dir, 'persisted', 'feedkurator.json');
    const wordsPrefix = wordsPrefixOf(storePath);
    const dayOfArticle = (i: number): string => articles[i]!.firstSeen.slice(0, 10);
    const [name, topic] = Object.entries(base.topics)[0]!;
    const withTerms = (...terms: string[]): Config => ({ ...base, topics: { ...base.topics, [name]: { ...topic, include: [...topic.include, ...terms] } } });
    const first = await freshStore('persisted', articles);
    try {
      const curation = await Curation.derive(await Curation.open(first, rulesFor(base), { wordsPrefix }), first, rulesFor(withTerms('kde')));
      await first.flush();
      await curation.saveWords();
    } finally {
      await first.close();
    }
    // Beside the store's own files, in its directory (SPEC §6), named like its day segments.
    expect(readdirSync(dirname(storePath)).filter((f) => f.startsWith('feedkurator.words-')).sort()).toEqual([0, 1, 2].map((i) => `feedkurator.words-${dayOfArticle(i)}.json`).sort());
    const read: string[] = [];
    let running = ['kde'];
    const edit = async (terms: string[]): Promise<Map<string, string[]>> => {
      const store = await openStore({ storePath });
      const watched = watchReads(store, read);
      try {
        // A fresh start with the rules of the last run: their topics are stored, nothing is read.
        read.length = 0;
        const opened = await Curation.open(watched, rulesFor(withTerms(...running)), { wordsPrefix });
        expect(read).toEqual([]);
        const rules = rulesFor(withTerms(...terms));
        const curation = await Curation.derive(opened, watched, rules);
        const expected = new Map(articles.map((a) => [a.id, classifyStoredArticle(rules.classifier, a).topics] as const).filter(([, t]) => t.length > 0));
        expect(topicsOf(curation)).toEqual(expected);
        await store.flush();
        await curation.saveWords();
        running = terms;
        return topicsOf(curation);
      } finally {
        await store.close();
      }
    };
    const readDays = (): string[] => [...new Set(read.map((id) => (id === '*' ? '*' : undefined) ?? articles.find((a) => a.id === id)!.firstSeen.slice(0, 10)))].sort();
    // Nobody writes "Flatpak": no text is read. "Wayland": only a7's day.
    await edit(['kde', 'flatpak']);
    expect(read).toEqual([]);
    expect((await edit(['kde', 'wayland'])).get('a7')).toContain(name);
    expect(readDays()).toEqual([dayOfArticle(7)]);
    // A filter that saw another content of a0 is not trusted for a0; an unreadable file is not used at all.
    const file0 = `${wordsPrefix}${dayOfArticle(0)}.json`;
    const stale = JSON.parse(readFileSync(file0, 'utf8')) as { articles: Record<string, string> };
    stale.articles.a0 = '0123456789abcdef';
    writeFileSync(file0, JSON.stringify(stale));
    writeFileSync(`${wordsPrefix}${dayOfArticle(2)}.json`, '{"version":1,"day":');
    await edit(['kde', 'wayland', 'kochrezept']);
    expect(readDays()).toEqual([dayOfArticle(0), dayOfArticle(2)].sort());
    // Both days were written again from their texts: the next edit reads nothing.
    await edit(['kde', 'wayland', 'kochrezept', 'flatpak']);
    expect(read).toEqual([]);
  });

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

describe('sortInSlices', () => {
  it('sorts as Array.prototype.sort does, stable, over several merge passes, pausing as it goes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ key: fc.nat(50), at: fc.nat() }), { minLength: 1_500, maxLength: 5_000 }), async (items) => {
        const compare = (a: { key: number }, b: { key: number }): number => a.key - b.key;
        let pauses = 0;
        const sorted = await sortInSlices([...items], compare, async () => void pauses++);
        expect(sorted).toEqual([...items].sort(compare));
        expect(pauses).toBeGreaterThanOrEqual(Math.ceil(items.length / 1_024));
      }),
      { numRuns: 30 },
    );
  });
});
