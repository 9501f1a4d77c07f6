import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadNewsParts, readNewsSet, splitNewsSet, NEWS_SET_FILE, NEWS_SPLIT_FILE, type NewsItem, type NewsSplit } from '../../src/classify/news-set.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'topics');
// Read before each test, not at collection: Stryker switches a mutant on only while tests run, so a set read in
// the file's body would be read by the unmutated code for every test (docs/mutation.md).
let items: NewsItem[];
let tuning: NewsItem[];
let holdout: NewsItem[];
let split: NewsSplit;
beforeEach(() => {
  items = readNewsSet(path.join(dir, NEWS_SET_FILE));
  ({ tuning, holdout, split } = loadNewsParts(dir));
});

describe('the independent labelled set (news-set.jsonl)', () => {
  it('has at least 400 German items, each with provenance and known labels', () => {
    expect(items.length).toBeGreaterThanOrEqual(400);
    for (const item of items) {
      expect(item.provenance.kind, item.id).toMatch(/^(feed|page|seed)$/);
      expect(item.provenance.url ?? item.provenance.repo ?? item.provenance.path, item.id).toBeTruthy();
      for (const label of item.labels) expect(['kernel', 'containers', 'hosting'], item.id).toContain(label);
    }
  });

  it('has positives of every topic and many homonym items that must stay negative', () => {
    for (const topic of ['kernel', 'containers', 'hosting']) expect(items.filter((i) => i.labels.includes(topic)).length).toBeGreaterThanOrEqual(15);
    const homonyms = items.filter((i) => i.labels.length === 0 && /homonym/i.test(i.note ?? ''));
    expect(homonyms.length).toBeGreaterThanOrEqual(25);
  });
});

describe('the one-time split (news-split.json)', () => {
  it('is what the recorded seed and method give, so nobody re-drew it after seeing results', () => {
    const again = splitNewsSet(items, split.seed, split.holdoutShare);
    expect(again.tuning).toEqual(split.tuning);
    expect(again.holdout).toEqual(split.holdout);
    expect(again.method).toBe(split.method);
  });

  it('splits every collection batch on its own, so a later batch never moved an item of an earlier one', () => {
    const first = items.filter((i) => (i.batch ?? 1) === 1);
    const alone = splitNewsSet(first, split.seed, split.holdoutShare);
    const ids = new Set(first.map((i) => i.id));
    expect(split.holdout.filter((id) => ids.has(id))).toEqual(alone.holdout);
    expect(split.tuning.filter((id) => ids.has(id))).toEqual(alone.tuning);
    // Each batch on its own holds out at least 40 % as well.
    for (const batch of new Set(items.map((i) => i.batch ?? 1))) {
      const mine = items.filter((i) => (i.batch ?? 1) === batch);
      expect(mine.filter((i) => split.holdout.includes(i.id)).length / mine.length, `batch ${batch}`).toBeGreaterThanOrEqual(0.4);
    }
  });

  it('holds out at least 40 % and puts every item in exactly one part', () => {
    expect(holdout.length / items.length).toBeGreaterThanOrEqual(0.4);
    expect(tuning.length + holdout.length).toBe(items.length);
    const held = new Set(holdout.map((i) => i.id));
    expect(tuning.some((i) => held.has(i.id))).toBe(false);
  });

  it('rejects a split file that leaves an item out', () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'fk-split-'));
    try {
      copyFileSync(path.join(dir, NEWS_SET_FILE), path.join(tmp, NEWS_SET_FILE));
      writeFileSync(path.join(tmp, NEWS_SPLIT_FILE), JSON.stringify({ ...split, holdout: split.holdout.slice(1) }));
      expect(() => loadNewsParts(tmp)).toThrow(`item "${split.holdout[0]}" must be in exactly one part`);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
