import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/errors.js';
import { describeLayout } from '../../src/store/json/json-layout.js';
import { readSegment } from '../../src/store/json/read-json-store.js';
import { parseSegmentParts, pickArticles, splitSegment } from '../../src/store/json/segment-text.js';

const article = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  key: `url:x.example/${id}`,
  title: `Titel ${id}`,
  summary: '',
  categories: [],
  enclosures: [],
  published: '2026-11-20T10:00:00.000Z',
  firstSeen: '2026-11-20T10:00:00.000Z',
  contentHash: 'h',
  sources: [{ name: 's', firstSeen: '2026-11-20T10:00:00.000Z' }],
  content: '<p>x</p>',
  ...extra,
});

// Texts that hold the cut sequence in every escaped form a string can hold it.
const tricky = [
  article('a1', { title: 'Quote "},{"id":"fake" and \\ backslash', content: '<p>},{"id":"b2"}</p>\n' }),
  article('b2', { summary: 'ends with a backslash \\', categories: ['},{\\"id\\":\\"'] }),
  article('c3', { content: 'Umlaute äöü „Anführung“ 🐧' }),
];
const written = (articles: unknown[]) => JSON.stringify({ schemaVersion: 3, day: '2026-11-20', articles });

describe('splitSegment: a day segment cut into its articles without parsing it whole', () => {
  it('cuts the written form at each article, whatever their strings hold, and parses what is wanted', async () => {
    const text = written(tricky);
    const parts = splitSegment(text)!;
    expect(parts.header).toEqual({ schemaVersion: 3, day: '2026-11-20', articles: [] });
    expect(parts.articles.map((a) => a.id)).toEqual(['a1', 'b2', 'c3']);
    expect(await parseSegmentParts(text, parts)).toEqual(tricky);
    expect(await parseSegmentParts(text, parts, new Set(['c3', 'a1', 'zz']))).toEqual([tricky[0], tricky[2]]);
  });

  it('an empty day has no parts; a text in another form is not cut', () => {
    expect(splitSegment(written([]))!.articles).toEqual([]);
    expect(splitSegment(JSON.stringify({ schemaVersion: 3, day: '2026-11-20', articles: tricky }, null, 2))).toBeNull();
    expect(splitSegment(JSON.stringify({ schemaVersion: 3, articles: [{ key: 'k', id: 'a' }] }))).toBeNull();
    expect(splitSegment(`${written(tricky)}\n`)).toBeNull();
    expect(splitSegment(written(tricky).slice(0, -1))).toBeNull();
  });

  it('a cut in the wrong place (an inner object whose first key is "id") does not parse: null, for a parse of the whole', async () => {
    const inner = [article('a1', { enclosures: [{ url: 'u' }, { id: 'inner', url: 'v' }] }), article('b2')];
    const text = written(inner);
    const parts = splitSegment(text)!;
    expect(parts.articles.map((a) => a.id)).toEqual(['a1', 'inner', 'b2']);
    expect(await parseSegmentParts(text, parts)).toBeNull();
  });
});

describe('splitSegment on the bytes: the day is never decoded as one string', () => {
  it('cuts the bytes where the text is cut (offsets in bytes: multibyte text before each cut) and parses the same articles', async () => {
    const umlauts = [...tricky, article('d4', { title: 'Ärger über „Systemd“ 🐧', content: 'ÄÖÜ'.repeat(500) }), article('e5')];
    const text = written(umlauts);
    const bytes = Buffer.from(text, 'utf8');
    const fromText = splitSegment(text)!;
    const fromBytes = splitSegment(bytes)!;
    expect(fromBytes.header).toEqual(fromText.header);
    expect(fromBytes.articles.map((a) => a.id)).toEqual(['a1', 'b2', 'c3', 'd4', 'e5']);
    // Past the first non-ASCII character the byte offsets run ahead of the character offsets.
    expect(fromBytes.articles.at(-1)!.start).toBeGreaterThan(fromText.articles.at(-1)!.start);
    expect(await parseSegmentParts(bytes, fromBytes)).toEqual(umlauts);
    expect(await parseSegmentParts(bytes, fromBytes, new Set(['e5', 'c3']))).toEqual([umlauts[2], umlauts[4]]);
    for (const other of [JSON.stringify({ schemaVersion: 3, day: '2026-11-20', articles: tricky }, null, 2), `${text}\n`, text.slice(0, -1)]) {
      expect(splitSegment(Buffer.from(other))).toBeNull();
    }
  });

  it('a big day is parsed in pieces, the event loop taking turns between them', async () => {
    const many = Array.from({ length: 3_000 }, (_, i) => article(`a${i}`, { content: `<p>${'Kernel-Ärger '.repeat(200)}</p>` }));
    const bytes = Buffer.from(written(many));
    const parts = splitSegment(bytes)!;
    let turns = 0;
    let parsing = true;
    const count = (): void => {
      turns++;
      if (parsing) setImmediate(count);
    };
    setImmediate(count);
    const parsed = await parseSegmentParts(bytes, parts);
    parsing = false;
    expect(parsed).toHaveLength(3_000);
    expect(parsed![2_999]).toEqual(many[2_999]);
    // 3,000 articles of 2.6 KB take far more than one 4 ms slice on any machine.
    expect(turns).toBeGreaterThan(1);
  });
});

describe('pickArticles: a few articles found in the bytes, the rest never decoded', () => {
  const bytes = (text: string) => Buffer.from(text, 'utf8');

  it('finds the wanted ones at an article start only, whatever the strings around them hold', () => {
    const text = written(tricky);
    expect(pickArticles(bytes(text), new Set(['c3', 'b2']))).toEqual([tricky[2], tricky[1]]);
    // "b2" appears in a1's content as },{"id":"b2"} (escaped there): only the article counts.
    expect(pickArticles(bytes(text), new Set(['b2']))).toEqual([tricky[1]]);
    expect(pickArticles(bytes(text), new Set(['zz']))).toEqual([]);
    expect(pickArticles(bytes(written([])), new Set(['a1']))).toEqual([]);
  });

  it('null, for a whole read, when the bytes are not in the written form, a cut is wrong or many are wanted', () => {
    expect(pickArticles(bytes(JSON.stringify({ schemaVersion: 3, day: '2026-11-20', articles: tricky }, null, 2)), new Set(['a1']))).toBeNull();
    expect(pickArticles(bytes(JSON.stringify({ schemaVersion: 3, articles: [{ key: 'k', id: 'a1' }] })), new Set(['a1']))).toBeNull();
    expect(pickArticles(bytes(JSON.stringify({ schemaVersion: 2, day: '2026-11-20', articles: tricky })), new Set(['a1']))).toBeNull();
    expect(pickArticles(bytes(written(tricky).slice(0, -1)), new Set(['a1']))).toBeNull();
    const inner = [article('a1', { enclosures: [{ url: 'u' }, { id: 'inner', url: 'v' }] }), article('b2')];
    expect(pickArticles(bytes(written(inner)), new Set(['a1']))).toBeNull();
    expect(pickArticles(bytes(written(inner)), new Set(['b2']))).toEqual([inner[1]]);
    const many = Array.from({ length: 40 }, (_, i) => article(`m${i}`));
    expect(pickArticles(bytes(written(many)), new Set(many.map((a) => a.id)))).toBeNull();
  });
});

describe('readSegment', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fk-segment-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));
  const layout = () => describeLayout(join(dir, 'feedkurator.json'));

  it('reads the wanted articles or all, in the written form and in any other valid form alike', async () => {
    const inner = [article('a1', { enclosures: [{ url: 'u' }, { id: 'inner', url: 'v' }] }), ...tricky.slice(1)];
    for (const text of [written(tricky), JSON.stringify({ schemaVersion: 3, day: '2026-11-20', articles: tricky }, null, 2)]) {
      await writeFile(layout().segment('2026-11-20'), text);
      expect(await readSegment(layout(), '2026-11-20')).toEqual(tricky);
      expect(await readSegment(layout(), '2026-11-20', new Set(['b2']))).toEqual([tricky[1]]);
    }
    await writeFile(layout().segment('2026-11-20'), written(inner));
    expect(await readSegment(layout(), '2026-11-20')).toEqual(inner);
    expect(await readSegment(layout(), '2026-11-20', new Set(['a1']))).toEqual([inner[0]]);
    const many = Array.from({ length: 40 }, (_, i) => article(`m${i}`));
    await writeFile(layout().segment('2026-11-20'), written(many));
    expect(await readSegment(layout(), '2026-11-20', new Set(many.slice(3).map((a) => a.id)))).toEqual(many.slice(3));
    expect(await readSegment(layout(), '2026-11-21')).toEqual([]);
  });

  it('a damaged segment is refused with the file named, cut or not', async () => {
    const file = layout().segment('2026-11-20');
    const broken = written(tricky).replace('"id":"b2"', '"id":"b2",');
    await writeFile(file, broken);
    await expect(readSegment(layout(), '2026-11-20')).rejects.toThrow(StoreError);
    await expect(readSegment(layout(), '2026-11-20')).rejects.toThrow(file);
    await writeFile(file, written([{ ...tricky[0], title: 7 }]));
    await expect(readSegment(layout(), '2026-11-20', new Set(['a1']))).rejects.toThrow(/articles\[0\]\.title/);
    // Checked in parts: an article past the first part is named by its place in the whole day.
    const many = Array.from({ length: 600 }, (_, i) => article(`m${i}`));
    await writeFile(file, written(many.map((a, i) => (i === 555 ? { ...a, published: 'not a date' } : a))));
    await expect(readSegment(layout(), '2026-11-20')).rejects.toThrow(/articles\[555\]\.published is not a date/);
    await writeFile(file, JSON.stringify({ schemaVersion: 2, day: '2026-11-20', articles: tricky }));
    await expect(readSegment(layout(), '2026-11-20')).rejects.toThrow(/not a feedkurator article segment/);
  });
});
