/**
 * `feedkurator add URL [--name NAME] [--topics T,…]` end to end (SPEC §2):
 * the real CLI as a child process against web sites on 127.0.0.1, config
 * files in temp directories. The appended entry must leave every other byte
 * of the file (comments, alignment) as it was.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, renderTestConfig, runCli } from '../helpers/cli.js';
import { atom, rss, startSite, type FixtureItem, type FixtureSite } from './fixture-site.js';

const ITEMS: FixtureItem[] = [
  { slug: 'linux-6-18', title: 'Linux 6.18: Torvalds gibt neuen Kernel frei', text: 'Der neue Linux-Kernel bringt Treiber.', hoursAgo: 1 },
  { slug: 'podman-6', title: 'Podman 6.0 erschienen', text: 'Die Container-Engine kann mehr.', hoursAgo: 2 },
  { slug: 'libreoffice', title: 'LibreOffice bekommt neue Tabellenfunktionen', text: 'Die Office-Suite verbessert den PDF-Export.', hoursAgo: 3 },
];

const HTML = 'text/html; charset=utf-8';
const RSS = 'application/rss+xml; charset=utf-8';

/** A blog whose page names its feeds: the comments feed first (it must not win), the site feed by a relative href. */
let blog: FixtureSite;
/** A site without autodiscovery links whose feed sits at a common path. */
let plain: FixtureSite;
/** A site with no feed anywhere, and one page whose only feed link is broken. */
let feedless: FixtureSite;

beforeAll(async () => {
  blog = await startSite({
    '/blog/': {
      type: HTML,
      body: () =>
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Beispiel-Blog</title>\n' +
        '<LINK rel="alternate" type="application/rss+xml" title="Beispiel-Blog &raquo; Kommentar-Feed" href="/blog/comments/feed/">\n' +
        '<link rel="stylesheet" href="style.css">\n' +
        '<link rel="alternate" type="application/rss+xml" title="Beispiel-Blog &raquo; Feed" href="feed/">\n' +
        '</head><body><p>Hallo</p></body></html>',
    },
    '/blog/feed/': { type: RSS, body: rss('Beispiel-Blog: Linux &amp; mehr', ITEMS) },
    '/blog/feed/?v=2': { type: RSS, body: rss('Beispiel-Blog: Linux &amp; mehr', ITEMS) },
    '/blog/comments/feed/': { type: RSS, body: rss('Kommentare', []) },
    '/news.json': {
      type: 'application/feed+json',
      body: (base) =>
        JSON.stringify({
          version: 'https://jsonfeed.org/version/1.1',
          title: 'JSON-Nachrichten',
          home_page_url: `${base}/`,
          items: ITEMS.slice(0, 2).map((it) => ({ id: it.slug, url: `${base}/artikel/${it.slug}`, title: it.title, content_text: it.text })),
        }),
    },
  });
  plain = await startSite({
    '/': { type: HTML, body: () => '<!doctype html><title>Ohne Links</title><p>Kein Feed-Link hier.</p>' },
    '/atom.xml': { type: 'application/atom+xml', body: atom('Schlichte Seite', ITEMS.slice(0, 1)) },
  });
  feedless = await startSite({
    '/': { type: HTML, body: () => '<!doctype html><title>Nichts</title><p>Keine Feeds.</p>' },
    '/kaputt/': { type: HTML, body: () => '<!doctype html><head><link rel="alternate" type="application/atom+xml" href="/kaputt/feed.atom"></head>' },
    '/kaputt/feed.atom': { type: 'application/atom+xml', body: () => '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Kaputt</tit' },
  });
});

afterAll(async () => {
  await Promise.all([blog?.close(), plain?.close(), feedless?.close()]);
});

const EXISTING = [{ name: 'Bestehende Quelle', url: 'http://127.0.0.1:9/bestehend.xml' }];
const TRAILER = '# Weitere Quellen bitte oben anhängen.\n';

/** A config file as an editor keeps it: the shipped topic rules with their aligned comments, one source, a trailing comment. */
function writeConfig(): { file: string; text: string } {
  const dir = makeTempDir();
  const file = path.join(dir, 'feedkurator.yaml');
  const text = `${renderTestConfig(dir, EXISTING)}${TRAILER}`;
  writeFileSync(file, text);
  return { file, text };
}

/** The file as it was, with `block` inserted right after the last source. */
function withAppended(text: string, block: string): string {
  expect(text.endsWith(TRAILER)).toBe(true);
  return `${text.slice(0, -TRAILER.length)}${block}${TRAILER}`;
}

describe('feedkurator add', { timeout: 90_000 }, () => {
  it('follows a page’s autodiscovery link (relative href, not the comments feed), reads it once and appends the entry', async () => {
    const { file, text } = writeConfig();
    const before = blog.requests.length;
    const result = await runCli(['add', `${blog.base}/blog/`, '--config', file]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        `added source "Beispiel-Blog: Linux & mehr" to ${file}`,
        '  name:   Beispiel-Blog: Linux & mehr',
        `  feed:   ${blog.base}/blog/feed/ (autodiscovery link on ${blog.base}/blog/)`,
        '  format: rss2.0',
        '  items:  3',
        '',
      ].join('\n'),
    );
    expect(blog.requests.slice(before)).toEqual(['/blog/', '/blog/feed/']);
    expect(readFileSync(file, 'utf8')).toBe(withAppended(text, `  - name: "Beispiel-Blog: Linux & mehr"\n    url: ${blog.base}/blog/feed/\n`));
    const check = await runCli(['check', '--config', file]);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('OK — 2 sources');
  });

  it('takes a feed URL as it is, with --name and --topics', async () => {
    const { file, text } = writeConfig();
    const result = await runCli(['add', `${blog.base}/news.json`, '--name', 'JSON News', '--topics', 'kernel, containers', '--config', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        `added source "JSON News" to ${file}`,
        '  name:   JSON News',
        `  feed:   ${blog.base}/news.json`,
        '  format: jsonfeed1.1',
        '  items:  2',
        '  topics: kernel, containers',
        '',
      ].join('\n'),
    );
    expect(readFileSync(file, 'utf8')).toBe(withAppended(text, `  - name: JSON News\n    url: ${blog.base}/news.json\n    topics: [kernel, containers]\n`));
  });

  it('falls back to the common feed paths of the site when the page has no feed link', async () => {
    const { file, text } = writeConfig();
    const before = plain.requests.length;
    const result = await runCli(['add', `${plain.base}/`, '--config', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        `added source "Schlichte Seite" to ${file}`,
        '  name:   Schlichte Seite',
        `  feed:   ${plain.base}/atom.xml (common feed path of ${plain.base}/)`,
        '  format: atom1.0',
        '  items:  1',
        '',
      ].join('\n'),
    );
    expect(plain.requests.slice(before)).toEqual(['/', '/feed/', '/rss', '/feed.xml', '/atom.xml']);
    expect(readFileSync(file, 'utf8')).toBe(withAppended(text, `  - name: Schlichte Seite\n    url: ${plain.base}/atom.xml\n`));
  });

  it('exits 1 with one line and leaves the file alone when no readable feed is found', async () => {
    const { file, text } = writeConfig();
    const none = await runCli(['add', `${feedless.base}/`, '--config', file]);
    expect(none.code).toBe(1);
    expect(none.stdout).toBe('');
    expect(none.stderr).toBe(
      `feedkurator: no feed found at ${feedless.base}/: it is an HTML page without a <link rel="alternate"> feed link, ` +
        `and none of the common paths on ${feedless.base} (/feed/, /rss, /feed.xml, /atom.xml, /index.xml, /rss.xml, /feed.json) is a feed\n`,
    );

    const broken = await runCli(['add', `${feedless.base}/kaputt/`, '--config', file]);
    expect(broken.code).toBe(1);
    expect(broken.stderr.trim().split('\n')).toHaveLength(1);
    expect(broken.stderr).toMatch(new RegExp(`^feedkurator: ${feedless.base}/kaputt/ is an HTML page, and its feed link could not be read: ${feedless.base}/kaputt/feed\\.atom: \\S`));

    const refused = await runCli(['add', 'http://127.0.0.1:9/', '--config', file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('feedkurator: no readable feed at http://127.0.0.1:9/: 127.0.0.1:9: connection refused\n');
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('exits 2 for a name or URL already configured, before any request, and leaves the file alone', async () => {
    const { file, text } = writeConfig();
    const sameName = await runCli(['add', `${blog.base}/blog/`, '--name', 'bestehende quelle', '--config', file]);
    expect(sameName.code).toBe(2);
    expect(sameName.stderr).toBe('feedkurator: a source named "Bestehende Quelle" is already configured (sources[0])\n');

    const sameUrl = await runCli(['add', 'http://127.0.0.1:9/bestehend.xml', '--config', file]);
    expect(sameUrl.code).toBe(2);
    expect(sameUrl.stderr).toBe('feedkurator: http://127.0.0.1:9/bestehend.xml is already configured as source "Bestehende Quelle" (sources[0])\n');
    expect(readFileSync(file, 'utf8')).toBe(text);

    // The page is new, but the feed it leads to is configured: found only after discovery.
    expect((await runCli(['add', `${blog.base}/blog/feed/`, '--config', file])).code).toBe(0);
    const viaPage = await runCli(['add', `${blog.base}/blog/`, '--name', 'Anderer Name', '--config', file]);
    expect(viaPage.code).toBe(2);
    expect(viaPage.stderr).toBe(`feedkurator: ${blog.base}/blog/feed/ is already configured as source "Beispiel-Blog: Linux & mehr" (sources[1])\n`);

    // The feed's title, used as the default name, is taken.
    const title = await runCli(['add', `${blog.base}/blog/feed/?v=2`, '--config', file]);
    expect(title.code).toBe(2);
    expect(title.stderr).toBe('feedkurator: a source named "Beispiel-Blog: Linux & mehr" is already configured (sources[1]) (choose another with --name)\n');
  });

  it.each([
    [['add'], 'feedkurator: add takes one URL (a feed or a web page)\n'],
    [['add', 'heise.de'], 'feedkurator: "heise.de" is not a URL (add takes an absolute http:// or https:// URL)\n'],
    [['add', 'ftp://example.org/feed'], 'feedkurator: "ftp://example.org/feed" is not an http:// or https:// URL\n'],
    [['add', 'http://127.0.0.1:9/x', '--topics', 'kernel,fussball'], 'feedkurator: --topics: unknown topic "fussball" (configured: kernel, containers, hosting)\n'],
    [['add', 'http://127.0.0.1:9/x', '--topics', ' , '], 'feedkurator: --topics needs at least one topic name (for example --topics kernel,hosting)\n'],
    [['add', 'http://127.0.0.1:9/x', '--name', '  '], 'feedkurator: --name must not be empty\n'],
    [['add', 'http://127.0.0.1:9/x', '--json'], 'feedkurator: option --json does not apply to "add"\n'],
  ])('treats %j as a usage error: exit 2, one line', async (args, stderr) => {
    const { file, text } = writeConfig();
    const result = await runCli([...args, '--config', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(stderr);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });
});
