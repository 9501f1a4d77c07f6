import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadNewsParts, readNewsSet, splitNewsSet, SPLIT_METHOD, NEWS_SET_FILE, NEWS_SPLIT_FILE, type NewsItem } from '../../src/classify/news-set.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fk-news-set-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function item(id: string, labels: string[], batch?: number): NewsItem {
  return { id, title: `Titel ${id}`, labels, source: 's', provenance: { kind: 'seed', path: 'x' }, ...(batch === undefined ? {} : { batch }) };
}

function writeSet(name: string, lines: unknown[]): string {
  const file = path.join(tmp, name);
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n'));
  return file;
}

describe('readNewsSet: every item needs its own id', () => {
  it('names the line of an item without id, with an empty id, or with an id used before', () => {
    const missing = writeSet('missing.jsonl', [item('a', []), { title: 't', labels: [] }]);
    expect(() => readNewsSet(missing)).toThrow(`${missing}:2: needs an "id"`);
    const empty = writeSet('empty.jsonl', [{ ...item('a', []), id: '' }]);
    expect(() => readNewsSet(empty)).toThrow(`${empty}:1: needs an "id"`);
    const numeric = writeSet('numeric.jsonl', [{ ...item('a', []), id: 7 }]);
    expect(() => readNewsSet(numeric)).toThrow(`${numeric}:1: needs an "id"`);
    const twice = writeSet('twice.jsonl', [item('a', []), item('b', []), item('a', ['kernel'])]);
    expect(() => readNewsSet(twice)).toThrow(`${twice}:3: duplicate id "a"`);
    expect(readNewsSet(writeSet('ok.jsonl', [item('a', []), item('b', [])])).map((i) => i.id)).toEqual(['a', 'b']);
  });
});

describe('splitNewsSet', () => {
  const items = [
    ...Array.from({ length: 7 }, (_, i) => item(`k${i}`, ['kernel'])),
    ...Array.from({ length: 3 }, (_, i) => item(`h${i}`, ['hosting', 'containers'])),
    ...Array.from({ length: 5 }, (_, i) => item(`n${i}`, [])),
  ];

  it('holds out ceil(share × size) of every label combination, and records how', () => {
    const split = splitNewsSet(items, 42, 0.4);
    expect(split).toMatchObject({ seed: 42, holdoutShare: 0.4, method: SPLIT_METHOD });
    const held = (prefix: string) => split.holdout.filter((id) => id.startsWith(prefix)).length;
    expect([held('k'), held('h'), held('n')]).toEqual([3, 2, 2]);
    expect([...split.tuning, ...split.holdout].sort()).toEqual(items.map((i) => i.id).sort());
    expect(split.tuning).toEqual([...split.tuning].sort());
    expect(split.holdout).toEqual([...split.holdout].sort());
  });

  it('is the same for the same seed, in any item order, and differs for another seed', () => {
    const a = splitNewsSet(items, 7, 0.4);
    expect(splitNewsSet(items, 7, 0.4)).toEqual(a);
    const seeds = [1, 2, 3, 4, 5].map((seed) => splitNewsSet(items, seed, 0.4).holdout.join());
    expect(new Set(seeds).size).toBeGreaterThan(1);
  });

  it('draws per stratum in the sorted order of the strata, the unlabelled ones under "none" (pinned: the recorded split depends on it)', () => {
    const pinned = [
      ...Array.from({ length: 4 }, (_, i) => item(`k${i}`, ['kernel'])),
      ...Array.from({ length: 4 }, (_, i) => item(`n${i}`, [])),
      ...Array.from({ length: 3 }, (_, i) => item(`c${i}`, ['containers'])),
    ];
    const split = splitNewsSet(pinned, 5, 0.5);
    expect(split.holdout).toEqual(['c0', 'c1', 'k2', 'k3', 'n0', 'n1']);
    expect(split.tuning).toEqual(['c2', 'k0', 'k1', 'n2', 'n3']);
  });

  it('label order does not make another stratum: [a, b] and [b, a] are one', () => {
    const mixed = [item('x1', ['kernel', 'hosting']), item('x2', ['hosting', 'kernel'])];
    expect(splitNewsSet(mixed, 1, 0.4).holdout).toHaveLength(1);
  });

  it('splits a later batch on its own: adding it never moves an item of the first', () => {
    const later = Array.from({ length: 6 }, (_, i) => item(`b${i}`, ['kernel'], 2));
    const first = splitNewsSet(items, 11, 0.4);
    const both = splitNewsSet([...later, ...items], 11, 0.4);
    expect(both.holdout.filter((id) => !id.startsWith('b'))).toEqual(first.holdout);
    expect(both.holdout.filter((id) => id.startsWith('b'))).toEqual(splitNewsSet(later, 11, 0.4).holdout);
    // Batch 1 is the default: writing it changes nothing.
    expect(splitNewsSet(items.map((i) => ({ ...i, batch: 1 })), 11, 0.4)).toEqual(first);
  });

  it('a share of 0 holds nothing out; a share of 1 holds everything out', () => {
    expect(splitNewsSet(items, 3, 0).holdout).toEqual([]);
    expect(splitNewsSet(items, 3, 1).tuning).toEqual([]);
  });
});

describe('loadNewsParts', () => {
  it('returns both parts in the set\'s order, and refuses an item in both parts', () => {
    const dir = mkdtempSync(path.join(tmp, 'parts-'));
    const set = [item('c', []), item('a', ['kernel']), item('b', [])];
    writeFileSync(path.join(dir, NEWS_SET_FILE), set.map((i) => JSON.stringify(i)).join('\n'));
    writeFileSync(path.join(dir, NEWS_SPLIT_FILE), JSON.stringify({ seed: 1, holdoutShare: 0.4, method: 'm', tuning: ['a', 'b'], holdout: ['c'] }));
    const parts = loadNewsParts(dir);
    expect(parts.tuning.map((i) => i.id)).toEqual(['a', 'b']);
    expect(parts.holdout.map((i) => i.id)).toEqual(['c']);
    expect(parts.split.seed).toBe(1);
    writeFileSync(path.join(dir, NEWS_SPLIT_FILE), JSON.stringify({ seed: 1, holdoutShare: 0.4, method: 'm', tuning: ['a', 'b', 'c'], holdout: ['c'] }));
    expect(() => loadNewsParts(dir)).toThrow(`${NEWS_SPLIT_FILE}: item "c" must be in exactly one part`);
  });
});
