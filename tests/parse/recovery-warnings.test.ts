import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../src/parse/parse-feed.js';

const URL_FETCHED = 'https://feed.example/x/feed';
const item = (n: number) => `<item><title>A${n}</title><link>https://a.example/${n}</link></item>`;
const rss = (items: string) => `<rss version="2.0"><channel><title>T</title>${items}</channel></rss>`;

async function warningsOf(text: string): Promise<string[] | undefined> {
  return (await parseFeed(text, { url: URL_FETCHED })).warnings;
}

describe('what stands before the feed root is named in the warning', () => {
  it('only markup: "markup"', async () => {
    expect(await warningsOf(`<foo/><bar></bar>${rss(item(1))}`)).toEqual(['recovered: markup before <rss> ignored']);
  });

  it('text without its tags, blanks collapsed', async () => {
    expect(await warningsOf(`<b>Warning</b>:  Cannot\n  modify header\n${rss(item(1))}`)).toEqual(['recovered: text "Warning : Cannot modify header" before <rss> ignored']);
  });

  it('text up to 40 characters whole, longer cut to 39 and "…"', async () => {
    const forty = `Notice: ${'n'.repeat(32)}`;
    expect(forty).toHaveLength(40);
    expect(await warningsOf(`${forty}\n${rss(item(1))}`)).toEqual([`recovered: text "${forty}" before <rss> ignored`]);
    expect(await warningsOf(`${forty}x\n${rss(item(1))}`)).toEqual([`recovered: text "${forty.slice(0, 39)}…" before <rss> ignored`]);
  });
});

describe('prefixed roots', () => {
  it('<atom:feed> is read as <feed> and says so; rdf:RDF is the normal RSS 1.0 root and needs no warning', async () => {
    const atom = '<atom:feed xmlns:atom="http://www.w3.org/2005/Atom"><atom:title>T</atom:title><atom:entry><atom:title>E</atom:title><atom:id>urn:1</atom:id></atom:entry></atom:feed>';
    const feed = await parseFeed(atom, { url: URL_FETCHED });
    expect(feed.warnings).toEqual(['recovered: root element <atom:feed> read as <feed>']);
    expect(feed.items.map((i) => i.title)).toEqual(['E']);
    const rdf = '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel><title>T</title></channel><item><title>A</title><link>https://a.example/1</link></item></rdf:RDF>';
    const rss10 = await parseFeed(rdf, { url: URL_FETCHED });
    expect(rss10.format).toBe('rss1.0');
    expect(rss10.warnings).toBeUndefined();
    expect(rss10.items).toHaveLength(1);
  });
});

describe('recovery counts', () => {
  it('one kept item is singular, several plural; dropped ones are counted; a cut-off document says so', async () => {
    const broken = await warningsOf(rss(`${item(1)}${item(2)}<item><title>C</title>`));
    expect(broken).toHaveLength(1);
    expect(broken![0]).toMatch(/^recovered: broken XML: .*; kept 2 complete items, dropped 1 incomplete$/);
    expect(broken![0]).not.toMatch(/ends early/);
    const cut = await warningsOf(`<rss version="2.0"><channel><title>T</title>${item(1)}<item><title>B`);
    expect(cut).toHaveLength(1);
    expect(cut![0]).toMatch(/^recovered: .* \(the document ends early\); kept 1 complete item, dropped 1 incomplete$/);
  });

  it('nothing to keep: the strict parser\'s FK_PARSE', async () => {
    await expect(parseFeed(rss('<item><title>C</title>'), { url: URL_FETCHED })).rejects.toMatchObject({ code: 'FK_PARSE' });
  });

  it('a clean feed has no warnings at all', async () => {
    expect(await warningsOf(rss(`${item(1)}${item(2)}`))).toBeUndefined();
  });
});

describe('the base of relative links', () => {
  const relative = rss('<item><title>A</title><link>artikel/1</link></item>');

  it('the fetched URL, or the Content-Location resolved against it when it is a web address', async () => {
    expect((await parseFeed(relative, { url: URL_FETCHED })).items[0]?.link).toBe('https://feed.example/x/artikel/1');
    expect((await parseFeed(relative, { url: URL_FETCHED, contentLocation: '../y/' })).items[0]?.link).toBe('https://feed.example/y/artikel/1');
    expect((await parseFeed(relative, { url: URL_FETCHED, contentLocation: 'https://cdn.example/z/feed.xml' })).items[0]?.link).toBe('https://cdn.example/z/artikel/1');
    expect((await parseFeed(relative, { url: URL_FETCHED, contentLocation: 'ftp://cdn.example/z/' })).items[0]?.link).toBe('https://feed.example/x/artikel/1');
  });
});
