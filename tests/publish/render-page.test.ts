import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Curation } from '../../src/curate/curation.js';
import { ContentCache, selectEntries } from '../../src/curate/select-entries.js';
import { rulesFor } from '../../src/daemon/daemon.js';
import { openJsonStore } from '../../src/store/json/json-store.js';
import { buildPublication } from '../../src/publish/build-publication.js';
import { PAGE_CSP, PAGE_STYLE, PAGE_STYLE_HASH } from '../../src/publish/page-style.js';
import { createHash } from 'node:crypto';
import { AKAMAI, ALL_ENTRIES, CONTAINERCON, KUBERNETES, loadTestConfig, CONFIG_YAML } from '../fixtures/publish/german-linux-news.js';

function page(entries = ALL_ENTRIES, yaml = CONFIG_YAML): string {
  const publication = buildPublication({ entries, config: loadTestConfig(yaml), generatedAt: new Date('2026-11-22T05:00:00Z') });
  return publication.resources.get('/')?.bodies.identity.toString('utf8') as string;
}

describe('the HTML page', () => {
  // Rendered inside each test, not at collection: Stryker switches a mutant on for the tests only.

  it('is German, responsive and announces all three feed formats for autodiscovery', () => {
    const html = page();
    expect(html).toMatch(/^<!doctype html>\n<html lang="de">/);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain('<link rel="alternate" type="application/rss+xml" title="Linux-News: Kernel, Container, Hosting (RSS)" href="feed.xml">');
    expect(html).toContain('<link rel="alternate" type="application/atom+xml" title="Linux-News: Kernel, Container, Hosting (Atom)" href="feed.atom">');
    expect(html).toContain('<link rel="alternate" type="application/feed+json" title="Linux-News: Kernel, Container, Hosting (JSON Feed)" href="feed.json">');
    expect(html).not.toMatch(/<script/i);
  });

  it('groups articles by day in the configured time zone with German dates, newest first', () => {
    const html = page();
    const days = [...html.matchAll(/<h2 class="day"><time datetime="([\d-]+)">([^<]+)<\/time>/g)].map((m) => [m[1], m[2]]);
    expect(days).toEqual([
      ['2026-11-21', 'Samstag, 21. November 2026'],
      ['2026-11-20', 'Freitag, 20. November 2026'],
      ['2026-11-19', 'Donnerstag, 19. November 2026'],
    ]);
    const titles = [...html.matchAll(/<h3><a href="[^"]*"(?: rel="noopener")?>([^<]+)<\/a><\/h3>/g)].map((m) => m[1]);
    expect(titles).toEqual([
      'Kubernetes 1.35 erschienen: „In-Place“-Updates für Pods &amp; mehr',
      AKAMAI.article.title,
      CONTAINERCON.article.title,
      'Webhoster senkt Preise für Managed-Server',
    ]);
    expect(html).toContain('19:12 Uhr'); // 18:12 UTC in Berlin
  });

  it('shows per article its source, topics, a teaser cut at a word and the other outlets', () => {
    const html = page();
    const akamai = html.slice(html.indexOf('<article id="a-k7Qm2xAkamai01">'));
    const block = akamai.slice(0, akamai.indexOf('</article>'));
    expect(block).toContain(`<a href="${AKAMAI.article.link}" rel="noopener">`);
    expect(block).toContain('<span>ip-insider</span>');
    expect(block).toContain('<ul class="topics" aria-label="Themen"><li>Kernel</li><li>Hosting</li></ul>');
    const teaser = /<p class="teaser">([^<]+)<\/p>/.exec(block)?.[1] ?? '';
    expect(teaser.endsWith(' …')).toBe(true);
    expect(teaser.length).toBeLessThanOrEqual(242);
    expect(AKAMAI.article.summary.startsWith(teaser.slice(0, -2))).toBe(true);
    expect(block).toContain('<p class="also">Auch bei: <a href="https://www.golem.de/news/kernel-org-zieht-zu-akamai-um-2611-1.html" rel="noopener" title="Kernel.org zieht zu Akamai um">golem.de</a>, ');
  });

  it('offers subscribe links per format and per topic, and the OPML', () => {
    const html = page();
    for (const base of ['feed', 'topics/kernel', 'topics/containers', 'topics/hosting']) {
      for (const ext of ['xml', 'atom', 'json']) expect(html).toContain(`href="${base}.${ext}"`);
    }
    expect(html).toContain('<span class="label">Container</span>');
    expect(html).toContain('href="sources.opml"');
  });

  it('explains itself when nothing is curated yet', () => {
    const empty = page([]);
    expect(empty).toContain('<h2>Noch keine Artikel kuratiert</h2>');
    expect(empty).toContain('in den 4 Quellen noch keinen Artikel zu den Themen Kernel, Container, Hosting gefunden');
    expect(empty).toContain('href="feed.xml"');
    const noSources = page([], CONFIG_YAML.replace(/sources:[\s\S]*$/, 'sources: []\n'));
    expect(noSources).toContain('Es ist noch keine Quelle eingerichtet');
  });

  it('allows exactly its own inline style by hash', () => {
    const html = page();
    expect(PAGE_STYLE_HASH).toBe(`sha256-${createHash('sha256').update(PAGE_STYLE).digest('base64')}`);
    expect(html).toContain(`<style>${PAGE_STYLE}</style>`);
    expect(PAGE_CSP).toContain(`style-src '${PAGE_STYLE_HASH}'`);
    expect(page([KUBERNETES])).toContain('1 Artikel');
  });

  it('shows why each entry is there: the deciding terms per topic in a details element after the other outlets', () => {
    const why = page([
      { ...AKAMAI, matches: { kernel: ['*kernel*', 'kernel.org'], hosting: ['hostet ^0.5', 'akamai'] } },
      { ...CONTAINERCON, matches: { containers: ['container*'], kernel: ['kernelentwickler'] } },
      KUBERNETES,
    ]);
    const akamai = why.slice(why.indexOf('<article id="a-k7Qm2xAkamai01">'));
    const block = akamai.slice(0, akamai.indexOf('</article>'));
    expect(block).toMatch(
      /<p class="also">Auch bei: .*<\/p>\n<details class="why"><summary>Warum hier\?<\/summary><ul aria-label="Passende Begriffe je Thema"><li>Kernel: <code>\*kernel\*<\/code>, <code>kernel\.org<\/code><\/li><li>Hosting: <code>hostet \^0\.5<\/code>, <code>akamai<\/code><\/li><\/ul><\/details>\n$/,
    );
    // In the entry's topic order (kernel before containers), not the order matches came in.
    expect(why).toContain('<li>Kernel: <code>kernelentwickler</code></li><li>Container: <code>container*</code></li>');
    // No matches known (an entry built without them): no empty element.
    const k8s = why.slice(why.indexOf('<article id="a-heiseK8s135">'));
    expect(k8s.slice(0, k8s.indexOf('</article>'))).not.toContain('<details');
  });

  it('escapes the terms and leaves out topics the entry does not have', () => {
    const hostile = page([{ ...KUBERNETES, matches: { containers: ['<script>alert(1)</script>', 'a&b "q"'], hosting: ['nur-hier'] } }]);
    expect(hostile).toContain('<li>Container: <code>&lt;script&gt;alert(1)&lt;/script&gt;</code>, <code>a&amp;b &quot;q&quot;</code></li>');
    expect(hostile).not.toMatch(/<script/i);
    expect(hostile).not.toContain('nur-hier');
  });

  it('gets the terms from the curation: what explain says for the article', async () => {
    const config = loadTestConfig(CONFIG_YAML);
    const rules = rulesFor(config);
    const classifier = rules.classifier;
    const dir = mkdtempSync(join(tmpdir(), 'fk-page-'));
    const store = await openJsonStore(join(dir, 'store.json'));
    await store.importData({ articles: [AKAMAI.article, CONTAINERCON.article] });
    const entries = await selectEntries(await Curation.open(store, rules), store, new ContentCache(), { maxItems: 100, topics: Object.keys(config.topics) });
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    const expected = classifier.classify({ title: AKAMAI.article.title, summary: AKAMAI.article.summary, content: AKAMAI.article.content, sources: ['ip-insider'] });
    const akamai = entries.find((e) => e.article.id === AKAMAI.article.id);
    expect(akamai?.matches).toEqual(expected.matches);
    expect(Object.keys(expected.matches).length).toBeGreaterThan(0);
    const html = buildPublication({ entries, config, generatedAt: new Date('2026-11-22T05:00:00Z') }).resources.get('/')?.bodies.identity.toString('utf8') ?? '';
    for (const terms of Object.values(expected.matches)) for (const term of terms) expect(html).toContain(`<code>${term.replace(/&/g, '&amp;')}</code>`);
  });
});
