/**
 * Tuning aid, run by hand: `npx tsx tests/dedupe/story-tune.ts`. Prints the
 * evidence for every pair of the TUNING part of the real-news set (or, with
 * STORY_TUNE_SET=old, of the older teaser set) and whether clustering merged
 * it. The held-out part is only ever scored, never printed pair by pair, by
 * story-clusters.test.ts.
 */
import { bodyLeadOf, clusterStories } from '../../src/dedupe/story-clusters.js';
import { compareStories, internStory, prepareCorpus } from '../../src/dedupe/story-similarity.js';
import { readStoryText } from '../../src/dedupe/story-text.js';
import type { StoredArticle } from '../../src/types.js';
import { loadNewsPairs, pairArticles } from './story-news-pairs.js';
import { loadPairs, toArticle } from './story-pairs.js';

const old = process.env.STORY_TUNE_SET === 'old';
// STORY_TUNE_SET=fresh|v3|v4|v5|v6|v7: the tuning part of the session-3 to -8 batch (held-out parts are never printed).
const set = (['fresh', 'v3', 'v4', 'v5', 'v6', 'v7'] as const).find((s) => s === process.env.STORY_TUNE_SET) ?? 'news';
const pairs: { name: string; label: 'same' | 'different' }[] = old ? loadPairs() : loadNewsPairs('tuning', set);
const articles: StoredArticle[] = old
  ? loadPairs().flatMap((p, i) => [toArticle(p.a, `old:${i}:a`), toArticle(p.b, `old:${i}:b`)])
  : loadNewsPairs('tuning', set).flatMap((p, i) => pairArticles(p, i));

const corpus = prepareCorpus(articles.map((a) => internStory(readStoryText(a.title, a.summary, bodyLeadOf(a.content)))));
const clusterOf = new Map<string, number>();
clusterStories(articles).forEach((c, n) => [c.lead, ...c.others].forEach((a) => clusterOf.set(a.id, n)));
const count = { found: 0, missed: 0, wrong: 0 };
const rows = pairs.map((p, i) => {
  const r = compareStories(corpus.stories[2 * i]!, corpus.stories[2 * i + 1]!, corpus);
  const merged = clusterOf.get(articles[2 * i]!.id) === clusterOf.get(articles[2 * i + 1]!.id);
  if (merged && p.label === 'same') count.found++;
  if (merged && p.label === 'different') count.wrong++;
  if (!merged && p.label === 'same') count.missed++;
  return { mark: merged === (p.label === 'same') ? '  ' : merged ? 'FP' : 'FN', label: p.label, r, name: p.name };
});
rows.sort((x, y) => y.r.score - x.r.score);
const f = (x: number) => x.toFixed(2).padStart(5);
for (const { mark, label, r, name } of rows) {
  console.log(`${mark} ${label.padEnd(9)} score ${f(r.score)} shared ${f(r.shared)} cover ${f(r.titleCover)} overlap ${f(r.overlap)} ${r.veto ?? ''} ${name}`);
}
if (process.env.STORY_TUNE_JSON) (await import('node:fs')).writeFileSync(process.env.STORY_TUNE_JSON, JSON.stringify(rows));
const precision = count.found / Math.max(1, count.found + count.wrong);
const recall = count.found / (count.found + count.missed);
console.log(`${old ? 'old set' : `${set} tuning`}: ${count.found} found, ${count.missed} missed, ${count.wrong} wrong; precision ${precision.toFixed(3)} recall ${recall.toFixed(3)}`);
