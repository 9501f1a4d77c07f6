/**
 * A rebuild from the previous publication's rendered entries gives the same
 * bytes as a build from scratch, whatever changed in between, and renders
 * only the entries that changed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { buildPublication, buildPublicationInSteps, compressPublication, type Publication } from '../../src/publish/build-publication.js';
import { bodyParts } from '../../src/publish/resource.js';
import type { CuratedEntry } from '../../src/types.js';
import { ALL_ENTRIES, CONFIG_YAML, article, loadTestConfig, manyEntries } from '../fixtures/publish/german-linux-news.js';

// A cap below the entry count: entries move in and out of the feeds as they change.
const SMALL = CONFIG_YAML.replace('maxItems: 50', 'maxItems: 12');
const config = loadTestConfig(SMALL);
const retitled = loadTestConfig(SMALL.replace('title: Container', 'title: Container & Cloud'));
const START = Date.UTC(2026, 10, 22, 5);

function bodies(publication: Publication): Map<string, string> {
  return new Map([...publication.resources].map(([path, r]) => [path, r.bodies.identity.toString('utf8')]));
}

type Op =
  | { kind: 'add'; n: number; topics: string[] }
  | { kind: 'edit'; at: number; field: 'title' | 'summary' | 'content' | 'link' | 'updated' | 'author'; text: string }
  | { kind: 'topics'; at: number; topics: string[] }
  | { kind: 'alsoAt'; at: number; source: string }
  | { kind: 'remove'; at: number }
  | { kind: 'retitleTopic' };

const topicSets = fc.subarray(['kernel', 'containers', 'hosting'], { minLength: 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), n: fc.nat(1_000), topics: topicSets }),
  fc.record({
    kind: fc.constant('edit' as const),
    at: fc.nat(),
    field: fc.constantFrom('title' as const, 'summary' as const, 'content' as const, 'link' as const, 'updated' as const, 'author' as const),
    text: fc.constantFrom('Kernel 6.18 <b>&amp;</b> "neu"', ']]> </p>', 'https://example.org/x?utm_source=a', '2026-11-22T06:00:00Z', ''),
  }),
  fc.record({ kind: fc.constant('topics' as const), at: fc.nat(), topics: topicSets }),
  fc.record({ kind: fc.constant('alsoAt' as const), at: fc.nat(), source: fc.constantFrom('golem.de', 'Linux-Magazin', 'ip-insider') }),
  fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
  fc.constant({ kind: 'retitleTopic' as const }),
);

function apply(entries: CuratedEntry[], change: Op, step: number): CuratedEntry[] {
  const next = [...entries];
  const at = 'at' in change ? change.at % Math.max(1, next.length) : 0;
  const target = next[at];
  switch (change.kind) {
    case 'add':
      next.push({
        article: article({
          id: `new${step}-${change.n}`,
          title: `Neu ${change.n}: Container-Laufzeit für den Kernel`,
          content: `<p>Artikel ${change.n} <script>x()</script></p>`,
          published: new Date(START - change.n * 600_000).toISOString(),
        }),
        topics: change.topics,
        alsoAt: [],
      });
      break;
    case 'edit':
      // The cache must not trust contentHash alone: half of the edits keep it.
      if (target) next[at] = { ...target, article: { ...target.article, [change.field]: change.text, ...(step % 2 === 0 ? { contentHash: `${target.article.contentHash}+${step}` } : {}) } };
      break;
    case 'topics':
      if (target) next[at] = { ...target, topics: change.topics, ...(step % 2 === 0 ? { matches: Object.fromEntries(change.topics.map((t) => [t, [t]])) } : {}) };
      break;
    case 'alsoAt':
      if (target) next[at] = { ...target, alsoAt: [...target.alsoAt, { id: `other${step}`, source: change.source, title: 'Dieselbe Meldung' }] };
      break;
    case 'remove':
      next.splice(at, 1);
      break;
    case 'retitleTopic':
      break;
  }
  return next;
}

describe('incremental rebuild', () => {
  it('gives the bytes of a build from scratch after any sequence of changes', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 12 }), (ops) => {
        let entries = [...manyEntries(24), ...ALL_ENTRIES];
        let current = config;
        let publication = buildPublication({ entries, config: current, generatedAt: new Date(START) });
        ops.forEach((change, step) => {
          entries = apply(entries, change, step);
          if (change.kind === 'retitleTopic') current = current === config ? retitled : config;
          const generatedAt = new Date(START + (step + 1) * 60_000);
          const incremental = buildPublication({ entries, config: current, generatedAt, previous: publication });
          const scratch = buildPublication({ entries, config: current, generatedAt });
          expect(bodies(incremental)).toEqual(bodies(scratch));
          publication = incremental;
        });
      }),
      { numRuns: 25 },
    );
  }, 120_000);

  it('gives those bytes too when built in steps as the daemon does, then compressed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), async (ops) => {
        let entries = [...manyEntries(24), ...ALL_ENTRIES];
        let current = config;
        let publication = buildPublication({ entries, config: current, generatedAt: new Date(START) });
        for (const [step, change] of ops.entries()) {
          entries = apply(entries, change, step);
          if (change.kind === 'retitleTopic') current = current === config ? retitled : config;
          const generatedAt = new Date(START + (step + 1) * 60_000);
          const incremental = await compressPublication(await buildPublicationInSteps({ entries, config: current, generatedAt, previous: publication }));
          const scratch = buildPublication({ entries, config: current, generatedAt });
          expect(bodies(incremental)).toEqual(bodies(scratch));
          for (const r of incremental.resources.values()) {
            expect(gunzipSync(r.bodies.gzip!).equals(r.bodies.identity)).toBe(true);
            expect(brotliDecompressSync(r.bodies.br!).equals(r.bodies.identity)).toBe(true);
          }
          publication = incremental;
        }
      }),
      { numRuns: 15 },
    );
  }, 120_000);

  it('keeps no copy of the pieces it joins: each cached piece is a view of a body the publication serves', () => {
    const entries = [...manyEntries(70), ...ALL_ENTRIES];
    const first = buildPublication({ entries, config, generatedAt: new Date(START) });
    const changed = apply(entries, { kind: 'add', n: 1, topics: ['hosting'] }, 0);
    const second = buildPublication({ entries: changed, config, generatedAt: new Date(START + 60_000), previous: first });
    const served = new Set([...second.resources.values()].flatMap((r) => bodyParts(r.bodies).map((part) => part.buffer)));
    // Every shown entry's pieces, asked from the cache as the next build asks (the same objects come back). The others are
    // rendered now, into new cache entries: those are left out, as a small new piece may lie in Node's shared buffer pool
    // beside a small served part and so seem to share its buffer.
    const cache = second.fragments!;
    const shown = cache.size;
    let asked = 0;
    let inServed = 0;
    for (const entry of changed) {
      const before = cache.size;
      const pieces = cache.get(entry, config, new Date(START + 60_000));
      if (cache.size > before) continue;
      asked++;
      if ((['rss', 'atom', 'json'] as const).every((format) => served.has(pieces[format].buffer))) inServed++;
    }
    expect(shown).toBeGreaterThan(12);
    expect(asked).toBe(shown);
    expect(inServed).toBe(shown);
    // The unchanged items are served from where the first publication's bodies hold them (route-body.ts), not copied again.
    const reused = [...first.resources.values()].flatMap((r) => bodyParts(r.bodies).map((part) => part.buffer)).filter((b) => served.has(b));
    expect(reused.length).toBeGreaterThan(0);
  });

  it('renders only the new and changed entries', () => {
    const entries = [...manyEntries(70), ...ALL_ENTRIES];
    const first = buildPublication({ entries, config, generatedAt: new Date(START) });
    // maxItems is 12: the newest 12 overall and per topic.
    const shown = first.fragments?.lastBuild.rendered ?? 0;
    expect(shown).toBeGreaterThan(12);
    expect(first.fragments?.lastBuild.reused).toBe(0);
    // The newest article of the list (bulk00000, kernel) gets a new title; one more hosting article arrives and pushes the oldest hosting one out.
    const changed = apply(apply(entries, { kind: 'edit', at: 0, field: 'title', text: 'Neuer Titel' }, 0), { kind: 'add', n: 1, topics: ['hosting'] }, 1);
    const second = buildPublication({ entries: changed, config, generatedAt: new Date(START + 60_000), previous: first });
    // Rendered: the new one and the retitled one; reused: the rest but the one pushed out.
    expect(second.fragments?.lastBuild).toEqual({ rendered: 2, reused: shown - 2 });
    const retitledBuild = buildPublication({ entries: changed, config: retitled, generatedAt: new Date(START + 120_000), previous: second });
    expect(retitledBuild.fragments?.lastBuild).toEqual({ rendered: shown, reused: 0 });
  });
});
