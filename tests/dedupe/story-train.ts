/**
 * Trains src/dedupe/story-model.json, run by hand:
 * `npx tsx tests/dedupe/story-train.ts [--write]`.
 *
 * Training data: the TUNING parts of the real-news pairs (in-window timing,
 * tests/fixtures/same-story/news/split.json, fresh/split.json and
 * v3/split.json) and the
 * older teaser set (pairs.json, not its holdout.json). No held-out part is
 * read here.
 * Pairs a veto decides (different versions, CVE ids, days) are left out:
 * the model never sees them in use either.
 *
 * Shipped (session 4): STORY_PRECISION=0.97 STORY_MARGIN=0.2
 * STORY_FIXED=0.5,5,8,2,-5,0.5,2,-4 (hand weights, picked by grouped
 * cross-validation over a small grid: 58 of 149 same-event pairs found, 1
 * different-event pair merged; session 3's weights 1,5,5,2,-5,1,2 with the
 * new actor term found 20 at that precision, the fitted regression fewer). Otherwise an
 * L2-regularized logistic regression over story-features (standardized
 * while fitting, written back as raw weights so that a score is readable
 * term by term). The threshold is the lowest that merges no different-event
 * pair of the training data, plus MARGIN. It also prints a grouped
 * cross-validation on the training data (each news event group, and each
 * old pair, held out in turn) to judge the features without the held-out part.
 */
import { writeFileSync } from 'node:fs';
import { bodyLeadOf } from '../../src/dedupe/story-clusters.js';
import { FEATURE_NAMES } from '../../src/dedupe/story-features.js';
import { compareStories, internStory, prepareCorpus } from '../../src/dedupe/story-similarity.js';
import { readStoryText } from '../../src/dedupe/story-text.js';
import type { StoredArticle } from '../../src/types.js';
import { loadNewsPairs, pairArticles, type NewsPart, type NewsSet } from './story-news-pairs.js';
import { loadPairs, toArticle } from './story-pairs.js';

const L2 = Number(process.env.STORY_L2 ?? 1);
const MARGIN = Number(process.env.STORY_MARGIN ?? 0.5);

interface Row {
  name: string;
  group: string;
  same: boolean;
  x: number[];
}

function rowsOf(pairs: { name: string; label: string }[], articles: StoredArticle[], groupOf: (name: string) => string): Row[] {
  const corpus = prepareCorpus(articles.map((a) => internStory(readStoryText(a.title, a.summary, bodyLeadOf(a.content)))));
  return pairs.flatMap((p, i) => {
    const r = compareStories(corpus.stories[2 * i]!, corpus.stories[2 * i + 1]!, corpus);
    if (r.veto) return [];
    return [{ name: p.name, group: groupOf(p.name), same: p.label === 'same', x: [...r.features] }];
  });
}

export function trainingRows(): Row[] {
  // Session 4: the held-out parts of news and fresh were scored and reported
  // before, so they are tuning data now; only v3's held-out part is clean.
  // Each part is its own corpus (word weights), as the evaluation clusters it.
  const parts: [NewsSet, NewsPart][] = [['news', 'tuning'], ['news', 'heldOut']];
  if (!process.env.STORY_NO_FRESH) parts.push(['fresh', 'tuning'], ['fresh', 'heldOut']);
  if (!process.env.STORY_NO_V3) parts.push(['v3', 'tuning']);
  const old = loadPairs();
  return [
    ...parts.flatMap(([set, part]) => {
      const pairs = loadNewsPairs(part, set);
      // A news pair's group: the events its two items report.
      const group = (name: string) => {
        const p = pairs.find((q) => q.name === name)!;
        return `${set === 'news' ? '' : `${set}:`}${[p.a.event, p.b.event].sort().join('+')}`;
      };
      return rowsOf(pairs, pairs.flatMap((p, i) => pairArticles(p, i)), group);
    }),
    ...rowsOf(process.env.STORY_NEWS_ONLY ? [] : old, old.flatMap((p, i) => [toArticle(p.a, `old:${i}:a`), toArticle(p.b, `old:${i}:b`)]), (n) => `old:${n}`),
  ];
}

export function fit(rows: Row[], l2 = L2): { weights: number[]; bias: number } {
  const d = FEATURE_NAMES.length;
  const mean = Array.from({ length: d }, (_, k) => rows.reduce((s, r) => s + r.x[k]!, 0) / rows.length);
  const sd = Array.from({ length: d }, (_, k) => Math.sqrt(rows.reduce((s, r) => s + (r.x[k]! - mean[k]!) ** 2, 0) / rows.length) || 1);
  const z = rows.map((r) => r.x.map((v, k) => (v - mean[k]!) / sd[k]!));
  const w = new Array<number>(d).fill(0);
  let b = 0;
  for (let step = 0; step < 4_000; step++) {
    const gw = w.map((wk) => l2 * wk);
    let gb = 0;
    z.forEach((x, i) => {
      const p = 1 / (1 + Math.exp(-(b + x.reduce((s, v, k) => s + v * w[k]!, 0))));
      const e = p - (rows[i]!.same ? 1 : 0);
      for (let k = 0; k < d; k++) gw[k]! += e * x[k]!;
      gb += e;
    });
    for (let k = 0; k < d; k++) w[k]! -= (0.5 * gw[k]!) / rows.length;
    b -= (0.5 * gb) / rows.length;
  }
  const weights = w.map((wk, k) => wk / sd[k]!);
  const bias = b - weights.reduce((s, wk, k) => s + wk * mean[k]!, 0);
  return { weights, bias };
}

const scoreOf = (m: { weights: number[]; bias: number }, x: number[]) => m.bias + x.reduce((s, v, k) => s + v * m.weights[k]!, 0);

/**
 * The threshold: by default the lowest score above every different-event
 * pair, plus the margin. With STORY_PRECISION=p: the lowest score at which
 * the merged pairs of the training data are still at least p same-event
 * pairs (plus the margin), so that one outlier (the same person's two moves,
 * years apart) does not cost every other pair; issue 14's goal is p = 0.97.
 */
function thresholdFor(rows: Row[], m: { weights: number[]; bias: number }): number {
  const target = Number(process.env.STORY_PRECISION ?? 1);
  const scored = rows.map((r) => ({ s: scoreOf(m, r.x), same: r.same })).sort((a, b) => b.s - a.s);
  if (target >= 1) return Math.max(...scored.filter((r) => !r.same).map((r) => r.s)) + MARGIN;
  let found = 0;
  let wrong = 0;
  let best = scored[0]!.s + MARGIN;
  for (const r of scored) {
    if (r.same) found++;
    else wrong++;
    // Only a cut just above a different-event pair or at a same-event one is a candidate.
    if (r.same && found / (found + wrong) >= target) best = r.s;
  }
  return best + MARGIN;
}

function crossValidate(rows: Row[], fixed?: { weights: number[]; bias: number }): void {
  const groups = [...new Set(rows.map((r) => r.group))];
  let found = 0;
  let wrong = 0;
  const same = rows.filter((r) => r.same).length;
  for (const g of groups) {
    const train = rows.filter((r) => r.group !== g);
    const m = fixed ?? fit(train);
    const t = thresholdFor(train, m);
    for (const r of rows.filter((q) => q.group === g)) {
      const merged = scoreOf(m, r.x) >= t;
      if (merged && r.same) found++;
      if (merged && !r.same) {
        wrong++;
        console.log(`cv wrong merge: ${r.name}`);
      }
    }
  }
  console.log(`grouped cross-validation (${fixed ? 'fixed weights' : `l2 ${L2}`}, margin ${MARGIN}): ${found}/${same} found, ${wrong} wrong`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = trainingRows();
  // STORY_FIXED="w1,…,wn": weigh by hand instead of fitting (bias 0), only the threshold is set from the data.
  const fixed = process.env.STORY_FIXED?.split(',').map(Number);
  const m = fixed ? { weights: fixed, bias: 0 } : fit(rows);
  const threshold = thresholdFor(rows, m);
  const found = rows.filter((r) => r.same && scoreOf(m, r.x) >= threshold).length;
  const newsFound = rows.filter((r) => r.same && !r.group.startsWith('old:') && scoreOf(m, r.x) >= threshold).length;
  console.log(`rows ${rows.length} (${rows.filter((r) => r.same).length} same); fitted recall ${found} (news ${newsFound}), threshold ${threshold.toFixed(3)}`);
  FEATURE_NAMES.forEach((n, k) => console.log(`  ${n.padEnd(14)} ${m.weights[k]!.toFixed(3)}`));
  console.log(`  bias           ${m.bias.toFixed(3)}`);
  if (process.env.STORY_LIST) {
    for (const r of [...rows].sort((x, y) => scoreOf(m, y.x) - scoreOf(m, x.x))) {
      console.log(`${r.same ? 'same' : 'diff'} ${scoreOf(m, r.x).toFixed(2).padStart(6)} ${r.x.map((v) => v.toFixed(2).padStart(5)).join(' ')} ${r.name}`);
    }
  }
  if (process.env.STORY_CV !== '0') crossValidate(rows, fixed ? m : undefined);
  if (process.argv.includes('--write')) {
    const round = (v: number) => Math.round(v * 1000) / 1000;
    const out = {
      ...(fixed ? { weighedBy: 'hand (STORY_FIXED), only the threshold set from the data' } : {}),
      trainedOn: 'tests/fixtures/same-story/news and /fresh, both parts (their held-out parts were reported in sessions 2 and 3), the tuning part of /v3 (in-window) + tests/fixtures/same-story/pairs.json; v3 held-out never read',
      trainer: `tests/dedupe/story-train.ts (${fixed ? `STORY_FIXED=${fixed.join(',')}` : `logistic regression, L2 ${L2}`}; threshold = ${
        process.env.STORY_PRECISION ? `lowest score with training precision >= ${process.env.STORY_PRECISION}` : 'best different-event pair'
      } + ${MARGIN})`,
      features: [...FEATURE_NAMES],
      weights: m.weights.map(round),
      bias: round(m.bias),
      threshold: round(threshold),
    };
    writeFileSync(new URL('../../src/dedupe/story-model.json', import.meta.url), `${JSON.stringify(out, null, 1)}\n`);
    console.log('wrote src/dedupe/story-model.json');
  }
}
