import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildPublication, compressPublication, renderFeed, type Publication } from '../../src/publish/build-publication.js';
import type { CuratedEntry } from '../../src/types.js';
import {
  AKAMAI,
  ALL_ENTRIES,
  CONTAINERCON,
  KUBERNETES,
  NO_LINK_NO_DATE,
  article,
  loadTestConfig,
  manyEntries,
} from '../fixtures/publish/german-linux-news.js';
import { collectIds } from './collect-ids.js';
import { child, childrenNamed, parseStrictXml, textOf, type XmlElement } from './strict-xml.js';

const NOW = new Date('2026-11-22T05:00:00.000Z');
const config = loadTestConfig();
const RFC822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function build(entries: readonly CuratedEntry[] = ALL_ENTRIES, previous?: Publication): Publication {
  return buildPublication({ entries, config, generatedAt: NOW, previous });
}

function rssItems(text: string): XmlElement[] {
  const root = parseStrictXml(text);
  expect(root.name).toBe('rss');
  expect(root.attrs.version).toBe('2.0');
  return childrenNamed(child(root, 'channel'), 'item');
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ allErrors: true, strict: true, strictRequired: false }));
const validateJsonFeed = ajv.compile(
  JSON.parse(readFileSync(new URL('../fixtures/publish/jsonfeed-1.1.schema.json', import.meta.url), 'utf8')) as object,
);

// Each describe builds its document before each test, not at collection: Stryker switches a mutant on only while
// tests run, so a document built in a describe body would be the unmutated one for every test (docs/mutation.md).
describe('RSS 2.0', () => {
  let text: string;
  beforeEach(() => {
    text = renderFeed(build(), 'rss') as string;
  });

  it('parses strictly and describes the channel', () => {
    const channel = child(parseStrictXml(text), 'channel');
    expect(textOf(channel, 'title')).toBe('Linux-News: Kernel, Container, Hosting');
    expect(textOf(channel, 'link')).toBe('http://feeds.example.org/linux/');
    expect(textOf(channel, 'language')).toBe('de');
    expect(textOf(channel, 'lastBuildDate')).toMatch(RFC822);
    const self = childrenNamed(channel, 'atom:link').find((l) => l.attrs.rel === 'self');
    expect(self?.uri).toBe('http://www.w3.org/2005/Atom');
    expect(self?.attrs.href).toBe('http://feeds.example.org/linux/feed.xml');
    expect(self?.attrs.type).toBe('application/rss+xml');
  });

  it('lists items newest first with guid, RFC 822 date, categories, creator and source', () => {
    const items = rssItems(text);
    expect(items.map((i) => textOf(i, 'title'))).toEqual([
      KUBERNETES.article.title,
      AKAMAI.article.title,
      CONTAINERCON.article.title,
      NO_LINK_NO_DATE.article.title,
    ]);
    const akamai = items[1] as XmlElement;
    expect(textOf(akamai, 'link')).toBe(AKAMAI.article.link);
    expect(child(akamai, 'guid').attrs.isPermaLink).toBe('false');
    expect(textOf(akamai, 'guid')).toBe('urn:feedkurator:k7Qm2xAkamai01');
    expect(textOf(akamai, 'pubDate')).toBe('Sat, 21 Nov 2026 09:30:00 GMT');
    expect(childrenNamed(akamai, 'category').map((c) => c.text)).toEqual(['kernel', 'hosting']);
    expect(textOf(akamai, 'dc:creator')).toBe('Berk Kutsal');
    expect(child(akamai, 'source').attrs.url).toBe('https://www.ip-insider.de/rss/news.xml');
    expect(textOf(akamai, 'source')).toBe('ip-insider');
    for (const item of items) expect(textOf(item, 'pubDate')).toMatch(RFC822);
  });

  it('carries the same-story outlets as linked "Auch bei" in the content', () => {
    const content = textOf(rssItems(text)[1] as XmlElement, 'content:encoded');
    expect(content).toContain('Auch bei: <a href="https://www.golem.de/news/kernel-org-zieht-zu-akamai-um-2611-1.html"');
    expect(content).toContain('>golem.de</a>, <a href="https://www.heise.de/news/akamai-kernel-org-1.html"');
    expect(content).toContain('weltweit &amp; zahlreiche');
  });

  it('keeps the source order of an enclosure and gives it a real media type', () => {
    const containercon = rssItems(text)[2] as XmlElement;
    expect(child(containercon, 'enclosure').attrs).toMatchObject({
      url: 'https://www.linux-magazin.de/ausgaben/2016/12/linuxcon.pdf',
      type: 'application/pdf',
      length: '482113',
    });
  });

  it('falls back to first-seen time and our page anchor for an item without date and link', () => {
    const item = rssItems(text)[3] as XmlElement;
    expect(textOf(item, 'pubDate')).toBe('Thu, 19 Nov 2026 07:00:00 GMT');
    expect(textOf(item, 'link')).toBe('http://feeds.example.org/linux/#a-noLinkWebhoster');
    expect(childrenNamed(item, 'source')).toHaveLength(0); // the source is no longer configured
    expect(textOf(item, 'dc:creator')).toBe('Pro-Linux (entfernt)');
  });
});

describe('Atom 1.0', () => {
  let root: XmlElement;
  beforeEach(() => {
    root = parseStrictXml(renderFeed(build(), 'atom') as string);
  });

  it('has namespace, id, updated and self and alternate links', () => {
    expect(root.uri).toBe('http://www.w3.org/2005/Atom');
    expect(root.attrs['xml:lang']).toBe('de');
    expect(textOf(root, 'id')).toBe('http://feeds.example.org/linux/feed.atom');
    expect(textOf(root, 'updated')).toBe('2026-11-21T20:00:00.000Z');
    const links = childrenNamed(root, 'link').map((l) => l.attrs);
    expect(links).toContainEqual({ rel: 'self', href: 'http://feeds.example.org/linux/feed.atom' });
    expect(links).toContainEqual({ rel: 'alternate', type: 'text/html', href: 'http://feeds.example.org/linux/' });
  });

  it('writes entries with unique ids, RFC 3339 dates, plain-text titles, authors, categories and source', () => {
    const entries = childrenNamed(root, 'entry');
    const ids = entries.map((e) => textOf(e, 'id'));
    expect(new Set(ids).size).toBe(ids.length);
    for (const entry of entries) {
      expect(textOf(entry, 'updated')).toMatch(RFC3339);
      expect(textOf(entry, 'published')).toMatch(RFC3339);
      expect(child(entry, 'title').attrs.type).toBe('text');
      expect(child(entry, 'content').attrs.type).toBe('html');
      expect(textOf(child(entry, 'author'), 'name').length).toBeGreaterThan(0);
    }
    const akamai = entries[1] as XmlElement;
    expect(childrenNamed(akamai, 'category').map((c) => c.attrs)).toEqual([
      { label: 'Kernel', term: 'kernel' },
      { label: 'Hosting', term: 'hosting' },
    ]);
    expect(textOf(child(akamai, 'source'), 'title')).toBe('ip-insider');
    const kubernetes = entries[0] as XmlElement;
    expect(textOf(kubernetes, 'title')).toBe('Kubernetes 1.35 erschienen: „In-Place“-Updates für Pods & mehr');
    expect(textOf(kubernetes, 'updated')).toBe('2026-11-21T20:00:00.000Z');
    expect(textOf(kubernetes, 'published')).toBe('2026-11-21T18:12:00.000Z');
  });

  it('gives enclosures their real type instead of "image/<extension>"', () => {
    const containercon = childrenNamed(root, 'entry')[2] as XmlElement;
    const enclosure = childrenNamed(containercon, 'link').find((l) => l.attrs.rel === 'enclosure');
    expect(enclosure?.attrs).toEqual({
      rel: 'enclosure',
      type: 'application/pdf',
      href: 'https://www.linux-magazin.de/ausgaben/2016/12/linuxcon.pdf',
      length: '482113',
    });
  });
});

describe('JSON Feed 1.1', () => {
  let feed: {
    version: string;
    language: string;
    items: { id: string; url: string; tags: string[]; date_published: string; _feedkurator: { also_at: unknown[]; source: { name: string } } }[];
  };
  beforeEach(() => {
    feed = JSON.parse(renderFeed(build(), 'json') as string) as typeof feed;
  });

  it('validates against the JSON Feed 1.1 schema', () => {
    const valid = validateJsonFeed(feed);
    expect(validateJsonFeed.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(feed.language).toBe('de');
  });

  it('has item ids, tags, RFC 3339 dates and the _feedkurator extension with the same-story outlets', () => {
    const akamai = feed.items[1];
    expect(akamai?.id).toBe('urn:feedkurator:k7Qm2xAkamai01');
    expect(akamai?.tags).toEqual(['kernel', 'hosting']);
    expect(akamai?.date_published).toMatch(RFC3339);
    expect(akamai?._feedkurator.source.name).toBe('ip-insider');
    expect(akamai?._feedkurator.also_at).toEqual([
      { source: 'golem.de', title: 'Kernel.org zieht zu Akamai um', url: 'https://www.golem.de/news/kernel-org-zieht-zu-akamai-um-2611-1.html' },
      { source: 'heise online', title: 'Akamai übernimmt Hosting von kernel.org', url: 'https://www.heise.de/news/akamai-kernel-org-1.html' },
    ]);
  });
});

describe('ids', () => {
  it('are unique and the same in RSS, Atom and JSON Feed', () => {
    const publication = build();
    const rss = collectIds(renderFeed(publication, 'rss') as string, 'rss');
    expect(new Set(rss).size).toBe(ALL_ENTRIES.length);
    expect(collectIds(renderFeed(publication, 'atom') as string, 'atom')).toEqual(rss);
    expect(collectIds(renderFeed(publication, 'json') as string, 'json')).toEqual(rss);
  });

  it('are stable across two builds and two processes', async () => {
    const expected = collectIds(renderFeed(build(), 'rss') as string, 'rss');
    expect(collectIds(renderFeed(build([...ALL_ENTRIES].reverse()), 'rss') as string, 'rss')).toEqual(expected);
    const script = fileURLToPath(new URL('./print-feed-ids.ts', import.meta.url));
    const run = promisify(execFile);
    const outputs = await Promise.all(
      [1, 2].map(() => run(process.execPath, ['--import', 'tsx', script], { cwd: fileURLToPath(new URL('../..', import.meta.url)) })),
    );
    for (const { stdout } of outputs) expect(JSON.parse(stdout)).toEqual({ rss: expected, atom: expected, json: expected });
  });

  it('publish an article carried twice only once', () => {
    const ids = collectIds(renderFeed(build([AKAMAI, AKAMAI, KUBERNETES]), 'rss') as string, 'rss');
    expect(ids).toEqual(['urn:feedkurator:heiseK8s135', 'urn:feedkurator:k7Qm2xAkamai01']);
  });
});

describe('topics, caps and the other routes', () => {
  it('builds one feed per configured topic with only its articles; unknown topics are undefined', () => {
    const publication = build();
    const kernel = rssItems(renderFeed(publication, 'rss', 'kernel') as string).map((i) => textOf(i, 'title'));
    expect(kernel).toEqual([AKAMAI.article.title, CONTAINERCON.article.title]);
    const atom = parseStrictXml(renderFeed(publication, 'atom', 'containers') as string);
    expect(textOf(atom, 'title')).toBe('Linux-News: Kernel, Container, Hosting – Container');
    expect(childrenNamed(atom, 'link').find((l) => l.attrs.rel === 'self')?.attrs.href).toBe(
      'http://feeds.example.org/linux/topics/containers.atom',
    );
    expect(renderFeed(publication, 'rss', 'gaming')).toBeUndefined();
    expect([...publication.resources.keys()].sort()).toEqual(
      [
        '/', '/sources.opml', '/feed.xml', '/feed.atom', '/feed.json',
        ...['kernel', 'containers', 'hosting'].flatMap((t) => [`/topics/${t}.xml`, `/topics/${t}.atom`, `/topics/${t}.json`]),
      ].sort(),
    );
  });

  it('caps every feed at feed.maxItems, newest first', () => {
    const entries = manyEntries(130);
    const publication = build(entries);
    const ids = collectIds(renderFeed(publication, 'rss') as string, 'rss');
    expect(ids).toHaveLength(50);
    expect(ids[0]).toBe('urn:feedkurator:bulk00000');
    expect(ids[49]).toBe('urn:feedkurator:bulk00049');
    // The kernel topic reaches deeper than the main feed's cap.
    const kernel = collectIds(renderFeed(publication, 'json', 'kernel') as string, 'json');
    expect(kernel).toHaveLength(50);
    expect(kernel.at(-1)).toBe('urn:feedkurator:bulk00099');
    expect(publication.itemCount).toBe(50);
  });

  it('writes the configured sources as OPML 2.0', () => {
    const opml = parseStrictXml(build().resources.get('/sources.opml')?.bodies.identity.toString() as string);
    expect(opml.attrs.version).toBe('2.0');
    const outlines = childrenNamed(child(opml, 'body'), 'outline');
    expect(outlines.map((o) => o.attrs.text)).toEqual(['ip-insider', 'Linux-Magazin', 'heise online', 'golem.de']);
    expect(outlines[2]?.attrs).toMatchObject({
      type: 'rss',
      xmlUrl: 'https://www.heise.de/rss/heise-atom.xml?wt_mc=rss.red.ho.ho.atom&x=1',
      htmlUrl: 'https://www.heise.de/',
    });
    expect(outlines[3]?.attrs.category).toBe('/kernel,/containers,/hosting');
  });
});

describe('bodies and validators', () => {
  it('compresses gzip and br forms (off the event loop) that decode to the same bytes', async () => {
    const publication = build();
    for (const resource of publication.resources.values()) expect(resource.bodies.gzip).toBeUndefined();
    await compressPublication(publication);
    for (const [path, resource] of publication.resources) {
      expect(gunzipSync(resource.bodies.gzip!).equals(resource.bodies.identity), path).toBe(true);
      expect(brotliDecompressSync(resource.bodies.br!).equals(resource.bodies.identity), path).toBe(true);
      expect(resource.bodies.br!.length).toBeLessThan(resource.bodies.identity.length);
      expect(resource.etags.identity).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
      expect(new Set(Object.values(resource.etags)).size).toBe(3);
    }
  });

  it('produces identical bytes and ETags when nothing changed, even built later', () => {
    const first = build();
    const later = buildPublication({ entries: ALL_ENTRIES, config, generatedAt: new Date(NOW.getTime() + 3_600_000) });
    for (const [path, resource] of first.resources) {
      if (path === '/sources.opml') continue; // no article dates: its Last-Modified is the build time
      expect(later.resources.get(path)?.etags.identity, path).toBe(resource.etags.identity);
      expect(later.resources.get(path)?.lastModified.getTime(), path).toBe(resource.lastModified.getTime());
    }
  });

  it('keeps an empty feed byte-identical across rebuilds', () => {
    const first = build([]);
    const second = buildPublication({ entries: [], config, generatedAt: new Date(NOW.getTime() + 900_000), previous: first });
    for (const [path, resource] of first.resources) expect(second.resources.get(path)?.etags.identity, path).toBe(resource.etags.identity);
    expect(textOf(child(parseStrictXml(renderFeed(second, 'rss') as string), 'channel'), 'lastBuildDate')).toBe(NOW.toUTCString());
  });

  it('sets Last-Modified to the newest article change', () => {
    const publication = build();
    expect(publication.resources.get('/feed.xml')?.lastModified.toISOString()).toBe('2026-11-21T20:00:00.000Z');
    expect(publication.resources.get('/topics/kernel.xml')?.lastModified.toISOString()).toBe('2026-11-21T09:45:00.000Z');
  });

  it('moves Last-Modified forward when the body changes without any newer article date', () => {
    const first = build();
    // A rules edit drops the newest article: the newest remaining date is older than before.
    const later = new Date(NOW.getTime() + 60_000);
    const second = buildPublication({ entries: [AKAMAI, CONTAINERCON], config, generatedAt: later, previous: first });
    const before = first.resources.get('/feed.xml');
    const after = second.resources.get('/feed.xml');
    expect(after?.etags.identity).not.toBe(before?.etags.identity);
    expect(after?.lastModified.toISOString()).toBe(later.toISOString());
    // Unchanged routes keep validators and the very same compressed buffers.
    const third = buildPublication({ entries: [AKAMAI, CONTAINERCON], config, generatedAt: new Date(later.getTime() + 60_000), previous: second });
    expect(third.resources.get('/feed.xml')?.lastModified.toISOString()).toBe(later.toISOString());
    expect(third.resources.get('/feed.xml')?.bodies.br).toBe(after?.bodies.br);
  });

  it('survives dates that would make the feed library throw', () => {
    const odd = {
      article: article({ id: 'oddDates', title: 'Kernel-Termine', published: 'not a date', firstSeen: 'also not', updated: '+275760-09-13T00:00:00.000Z' }),
      topics: ['kernel'],
      alsoAt: [],
    };
    const publication = build([odd]);
    const item = rssItems(renderFeed(publication, 'rss') as string)[0] as XmlElement;
    expect(textOf(item, 'pubDate')).toBe(NOW.toUTCString());
  });
});
