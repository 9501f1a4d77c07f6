import { describe, expect, it } from 'vitest';
import { attachItemDigests } from '../../src/dedupe/item-digests.js';
import { MAX_CONTENT_CHARS } from '../../src/dedupe/merge-items.js';
import { makeItem } from './make-item.js';
import { freshStore } from './store-under-test.js';

const T0 = new Date('2026-11-20T10:00:00.000Z');
const T1 = new Date('2026-11-20T10:15:00.000Z');

describe('merging a source into the store', () => {
  it('stores new items once and counts a re-poll as duplicates', async () => {
    const data = await freshStore();
    const items = [makeItem(), makeItem({ link: 'https://www.ip-insider.de/b-2/', guid: 'b-2', title: 'Zweiter Artikel' })];
    expect(await data.merge('ip-insider', items, T0)).toEqual({ new: 2, updated: 0, duplicates: 0 });
    expect(await data.merge('ip-insider', items, T1)).toEqual({ new: 0, updated: 0, duplicates: 2 });
    expect(await data.articles()).toHaveLength(2);
    expect((await data.articles())[0]!.firstSeen).toBe(T0.toISOString());
  });

  it('collapses a guid listed twice in one feed', async () => {
    const data = await freshStore();
    const counts = await data.merge('ip-insider', [makeItem(), makeItem(), makeItem()], T0);
    expect(counts).toEqual({ new: 1, updated: 0, duplicates: 2 });
    expect(await data.articles()).toHaveLength(1);
  });

  it('does not merge different articles of a feed that gives all items one guid', async () => {
    const data = await freshStore();
    const guid = 'https://www.example-blog.de/';
    const items = [
      makeItem({ guid, link: 'https://www.example-blog.de/2026/kernel-6-12', title: 'Kernel 6.12' }),
      makeItem({ guid, link: 'https://www.example-blog.de/2026/podman-5', title: 'Podman 5' }),
    ];
    expect((await data.merge('blog', items, T0)).new).toBe(2);
    expect(await data.merge('blog', items, T1)).toEqual({ new: 0, updated: 0, duplicates: 2 });
  });

  it('does not merge different articles that all link to the front page or one category page', async () => {
    const data = await freshStore();
    const frontPage = [
      makeItem({ link: 'https://www.kleiner-blog.example/', guid: 'post-1', title: 'Kernel 6.12 im Test' }),
      makeItem({ link: 'https://www.kleiner-blog.example/', guid: 'post-2', title: 'Podman 5 im Test' }),
    ];
    const category = [
      makeItem({ link: 'https://www.shop.example/news/', guid: 'n-1', title: 'Neuer Webhosting-Tarif' }),
      makeItem({ link: 'https://www.shop.example/news/', guid: 'n-2', title: 'Wartungsarbeiten am Wochenende' }),
    ];
    expect((await data.merge('blog', frontPage, T0)).new).toBe(2);
    expect((await data.merge('shop', category, T0)).new).toBe(2);
    expect(await data.merge('blog', frontPage, T1)).toEqual({ new: 0, updated: 0, duplicates: 2 });
    expect(await data.merge('shop', category, T1)).toEqual({ new: 0, updated: 0, duplicates: 2 });
    // Another source linking to that category page is not one of those articles.
    expect((await data.merge('other', [makeItem({ link: 'https://shop.example/news/', guid: 'x', title: 'Etwas anderes' })], T1)).new).toBe(1);
    expect(await data.articles()).toHaveLength(5);
  });

  it('stores an article announced by a news site and an aggregator once, remembering both sources', async () => {
    const data = await freshStore();
    await data.merge('heise online', [makeItem({ link: 'https://www.heise.de/news/Akamai-kernel-org-10099999.html', guid: 'http://heise.de/-10099999' })], T0);
    const counts = await data.merge('Linux-Aggregator',
      // normalize has canonicalized the link; the http/non-www variant is the same article
      [makeItem({ link: 'http://heise.de/news/Akamai-kernel-org-10099999.html', guid: 'agg-77', title: 'heise: Akamai übernimmt kernel.org' })],
      T1,
    );
    expect(counts).toEqual({ new: 0, updated: 0, duplicates: 1 });
    expect(await data.articles()).toHaveLength(1);
    const article = (await data.articles())[0]!;
    expect(article.sources.map((s) => s.name)).toEqual(['heise online', 'Linux-Aggregator']);
    expect(article.sources[1]).toMatchObject({ guid: 'agg-77', firstSeen: T1.toISOString() });
    // The first source owns the text: the aggregator's prefixed title does not overwrite it.
    expect(article.title).toBe(makeItem().title);
    expect(article.updated).toBeUndefined();
  });

  it("publishes the outlet's https link, not a cross-poster's http variant, whoever came first", async () => {
    const data = await freshStore();
    const path = 'www.linux-magazin.de/news/linuxcon-containercon-2026/';
    await data.merge('linuxnews.de', [makeItem({ link: `http://${path}`, guid: 'ln-1', title: 'LinuxCon: Container überall' })], T0);
    await data.merge('Linux-Magazin', [makeItem({ link: `https://${path}`, guid: 'lm-1', title: 'LinuxCon und ContainerCon 2026' })], T1);
    const [article] = await data.articles();
    expect(article!.link).toBe(`https://${path}`);
    expect(article!.sources.map((s) => s.name)).toEqual(['linuxnews.de', 'Linux-Magazin']);
    // A later http listing does not take it back.
    await data.merge('linuxnews.de', [makeItem({ link: `http://${path}`, guid: 'ln-1', title: 'LinuxCon: Container überall (Update)' })], T1);
    expect((await data.articles())[0]!.link).toBe(`https://${path}`);
  });

  it('collapses tracking-parameter variants even if a caller passes raw links', async () => {
    const data = await freshStore();
    await data.merge('heise online', [makeItem({ link: 'https://www.heise.de/news/x-1.html?wt_mc=rss.red.ho.ho.atom.beitrag.beitrag', guid: 'h1' })], T0);
    await data.merge('Newsletter', [makeItem({ link: 'https://heise.de/news/x-1.html?utm_source=newsletter&utm_medium=email', guid: 'n1' })], T1);
    expect(await data.articles()).toHaveLength(1);
    expect((await data.articles())[0]!.sources).toHaveLength(2);
  });

  it('updates a changed article in place and counts it as updated, not new', async () => {
    const data = await freshStore();
    await data.merge('ip-insider', [makeItem()], T0);
    const { id, contentHash } = (await data.articles())[0]!;
    const counts = await data.merge('ip-insider', [makeItem({ title: 'Akamai hostet kernel.org (Update)', summary: 'Neu: Stellungnahme der Linux Foundation.' })], T1);
    expect(counts).toEqual({ new: 0, updated: 1, duplicates: 0 });
    expect(await data.articles()).toHaveLength(1);
    const article = (await data.articles())[0]!;
    expect(article.id).toBe(id);
    expect(article.title).toBe('Akamai hostet kernel.org (Update)');
    expect(article.contentHash).not.toBe(contentHash);
    expect(article.updated).toBe(T1.toISOString());
    expect(article.published).toBe(makeItem().published);
  });

  it('follows an article whose link changed (new slug after a title edit) by its guid, keeping its id', async () => {
    const data = await freshStore();
    const guid = 'http://heise.de/-10012345';
    await data.merge('heise online', [makeItem({ guid, link: 'https://www.heise.de/news/Linux-6-12-freigegeben-10012345.html', title: 'Linux 6.12 freigegeben' })], T0);
    const id = (await data.articles())[0]!.id;
    const counts = await data.merge('heise online',
      [makeItem({ guid, link: 'https://www.heise.de/news/Linux-6-12-ist-fertig-Echtzeit-10012345.html', title: 'Linux 6.12 ist fertig: Echtzeit' })],
      T1,
    );
    expect(counts).toEqual({ new: 0, updated: 1, duplicates: 0 });
    expect(await data.articles()).toHaveLength(1);
    expect((await data.articles())[0]).toMatchObject({ id, title: 'Linux 6.12 ist fertig: Echtzeit', link: 'https://www.heise.de/news/Linux-6-12-ist-fertig-Echtzeit-10012345.html' });
    // Both links now find the article.
    expect((await data.merge('Aggregator', [makeItem({ guid: 'a', link: 'https://heise.de/news/Linux-6-12-freigegeben-10012345.html' })], T1)).new).toBe(0);
  });

  it('uses the first-seen time for items without a usable date and keeps the reason', async () => {
    const data = await freshStore();
    await data.merge('s', [makeItem({ published: undefined, dateProblem: 'future' }), makeItem({ link: 'https://x.example/2', guid: '2', published: undefined })], T0);
    expect((await data.articles())[0]).toMatchObject({ published: T0.toISOString(), dateProblem: 'future' });
    expect((await data.articles())[1]).toMatchObject({ published: T0.toISOString(), dateProblem: 'missing' });
  });

  it('caps huge content without cutting inside a tag or an entity', async () => {
    const data = await freshStore();
    const unit = '<p>Der Kernel &amp; seine Entwickler</p>';
    const content = unit.repeat(Math.ceil((MAX_CONTENT_CHARS * 2) / unit.length));
    await data.merge('s', [makeItem({ content })], T0);
    const stored = (await data.articles())[0]!.content;
    expect(stored.length).toBeLessThanOrEqual(MAX_CONTENT_CHARS + 1);
    expect(stored.endsWith('…')).toBe(true);
    const body = stored.slice(0, -1);
    expect(body.lastIndexOf('<')).toBeLessThan(body.lastIndexOf('>'));
    expect(/&[a-z]*$/.test(body)).toBe(false);
  });

  it("takes the reader's digests of an item (text hash, link key and id) and stores what it would have computed", async () => {
    const items = () => [
      makeItem(),
      makeItem({ link: 'https://www.ip-insider.de/b-2/', guid: 'b-2', title: 'Zweiter Artikel', content: `<p>${'lang '.repeat(MAX_CONTENT_CHARS / 4)}</p>` }),
      // A front page (its link identifies nothing) and two items sharing one link: keyed by guid, not by the link's key.
      makeItem({ link: 'https://www.kleiner-blog.example/', guid: 'post-1', title: 'Kernel 6.12 im Test' }),
      makeItem({ link: 'https://www.kleiner-blog.example/kategorie/linux', guid: 'post-2', title: 'Podman 5' }),
      makeItem({ link: 'https://www.kleiner-blog.example/kategorie/linux', guid: 'post-3', title: 'Debian 13' }),
    ];
    const plain = await freshStore();
    await plain.merge('ip-insider', items(), T0);
    const read = await freshStore();
    const digested = items();
    attachItemDigests(digested);
    expect(digested.every((item) => item.contentHash !== undefined && item.linkKey !== undefined)).toBe(true);
    await read.merge('ip-insider', digested, T0);
    expect(await read.articles()).toEqual(await plain.articles());
    // The merge uses the reader's hash rather than hashing the text again.
    const trusted = await freshStore();
    await trusted.merge('ip-insider', [makeItem({ contentHash: 'from-the-reader' })], T0);
    expect((await trusted.articles())[0]!.contentHash).toBe('from-the-reader');
  });
});
