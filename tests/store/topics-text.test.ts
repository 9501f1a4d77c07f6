import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeLayout } from '../../src/store/json/json-layout.js';
import { readTopics, shareTopicLists } from '../../src/store/json/read-json-store.js';
import { cutTopicsText } from '../../src/store/json/topics-text.js';

const head = { schemaVersion: 3, fingerprint: 'f00d', journalSeq: 4 };
// As json-store.ts writes it: compact, the topics last.
const written = (topics: Record<string, unknown>) => JSON.stringify({ ...head, topics });
/** What parsing the whole file gave (and still gives when the text is not cut). */
const whole = (text: string) => shareTopicLists(new Map(Object.entries((JSON.parse(text) as { topics: Record<string, string[]> }).topics)));

describe('cutTopicsText: the topics file read without one JSON.parse of the whole', () => {
  it('gives the entries, order and lists of a parse of the whole, each distinct list once', () => {
    const topics = {
      a1: [],
      b2: ['kernel'],
      c3: ['containers', 'hosting'],
      d4: ['kernel'],
      e5: [],
      f6: ['Zeichen: "{,}[" \\ äöü 🐧'],
      g7: ['containers', 'hosting'],
      h8: ['kernel'],
    };
    const text = written(topics);
    const cut = cutTopicsText(text)!;
    expect(cut.head).toEqual({ ...head, topics: {} });
    expect([...cut.byId]).toEqual([...whole(text)]);
    expect(cut.byId.get('b2')).toBe(cut.byId.get('d4'));
    expect(cut.byId.get('c3')).toBe(cut.byId.get('g7'));
    expect(cut.byId.get('a1')).toBe(cut.byId.get('e5'));
    expect(cutTopicsText(written({}))!.byId.size).toBe(0);
  });

  it('rules with many topics: past the first distinct lists, each later one is still found and shared', () => {
    const names = Array.from({ length: 7 }, (_, i) => `t${i}`);
    // Every subset of 7 topics (128 distinct lists), twice over, interleaved with the usual ones.
    const topics: Record<string, string[]> = {};
    for (let round = 0; round < 2; round++) {
      for (let mask = 0; mask < 128; mask++) {
        topics[`m${round}-${mask}`] = names.filter((_, i) => mask & (1 << i));
        topics[`k${round}-${mask}`] = mask % 2 ? ['kernel'] : [];
      }
    }
    const text = written(topics);
    const cut = cutTopicsText(text)!;
    expect([...cut.byId]).toEqual([...whole(text)]);
    for (let mask = 0; mask < 128; mask++) expect(cut.byId.get(`m1-${mask}`)).toBe(cut.byId.get(`m0-${mask}`));
  });

  it('a duplicated id keeps its first place and its last list, as JSON.parse does', () => {
    const text = `${JSON.stringify(head).slice(0, -1)},"topics":{"a1":["kernel"],"b2":[],"a1":["hosting"]}}`;
    expect([...cutTopicsText(text)!.byId]).toEqual([...whole(text)]);
    expect([...cutTopicsText(text)!.byId]).toEqual([['a1', ['hosting']], ['b2', []]]);
  });

  it('any other form is not cut (null: parsed whole): whitespace, escapes, a list that is not one, a topic holding "]", numeric ids, torn text', () => {
    const text = written({ a1: ['kernel'], b2: [] });
    for (const other of [
      JSON.stringify({ ...head, topics: { a1: ['kernel'] } }, null, 1),
      `${text}\n`,
      text.slice(0, -1),
      text.replace('"a1"', '"a\\u0031"'),
      written({ a1: 'kernel' }),
      written({ a1: null }),
      written({ a1: ['a]b'] }),
      written({ 7: ['kernel'], a1: [] }),
      written({ a1: ['kernel'] }).replace('"topics":{', '"topics":{,'),
      written({ a1: ['kernel'] }).replace(']}}', '],}}'),
      JSON.stringify({ nested: { topics: { x: [] } }, ...head, topics: { a1: [] } }),
    ]) {
      expect(cutTopicsText(other), other).toBeNull();
    }
  });
});

describe('readTopics', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fk-topics-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the written form and any other JSON form alike; a damaged file is a problem, not an error', async () => {
    const layout = describeLayout(join(dir, 'feedkurator.json'));
    const topics = { a1: ['kernel'], b2: [], c3: ['kernel', 'hosting'] };
    await writeFile(layout.topics, written(topics));
    const cut = await readTopics(layout);
    await writeFile(layout.topics, JSON.stringify({ ...head, topics }, null, 2));
    const parsed = await readTopics(layout);
    expect(cut).toEqual({ fingerprint: 'f00d', journalSeq: 4, topics: new Map(Object.entries(topics)) });
    expect(parsed).toEqual(cut);
    await writeFile(layout.topics, written(topics).slice(0, 30));
    expect(await readTopics(layout)).toMatchObject({ problem: expect.stringContaining('not valid JSON') });
    await writeFile(layout.topics, JSON.stringify({ ...head, fingerprint: 7, topics }));
    expect(await readTopics(layout)).toMatchObject({ problem: expect.stringContaining('damaged') });
  });
});
