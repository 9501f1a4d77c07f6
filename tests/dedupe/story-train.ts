/**
 * Trains src/dedupe/story-model.json, run by hand:
 * `npx tsx tests/dedupe/story-train.ts [--write]`.
 *
 * Training data: every part of the real-news pairs whose held-out part was
 * scored and reported before (news, fresh, v3, v4, v5, v6), the TUNING part
 * of v7 (tests/fixtures/same-story/v7/split.json) and the older teaser set
 * (pairs.json, not its holdout.json). v7's held-out part is never read here.
 * Pairs a veto decides (different versions, CVE ids, days) are left out:
 * the model never sees them in use either.
 *
 * Shipped (session 8): STORY_PRECISION=0.97 STORY_MARGIN=0.15 (the rule unchanged), every part of
 * news, fresh, v3, v4, v5 and v6 and v7's tuning part (Microsoft's OpenAI agreement, Azure outage and
 * quarterly figures within two days: one actor's second events inside the window). Three changes:
 * the unrelated negatives are spread over the window (every other one a day later; all on one day
 * had taught the fit that reports a day apart are more often one story, and left hoursApart at 0:
 * now -1.36 per day); two kinds of event in story-events.json, quarterly figures and agreements
 * (v7's tuning family names them, so that sameActorOtherKind can read them); a title alone is covered
 * from its own side (titleCover), which merges issue 14's kernel.org pair again (4.06 against 2.29).
 * sameActorSameKind and repeatConflict stay at 0: the 20 tuning rows with a shared actor and kind are
 * explained by their words already, and the pairs where it would weigh (one provider's outages of
 * different years put inside the window as unrelated negatives) would push it the other way; only 2
 * rows mark a repeat. Grouped cross-validation: 208 of 287 same-event pairs found, 9 wrong (precision
 * 0.959; before the three changes, on the same parts: 205 found, 8 wrong).
 * Session 7: STORY_PRECISION=0.97 STORY_MARGIN=0.15, fitted at the
 * reports' real distance (pairs beyond the 48-hour window left out: the daemon
 * never compares them), every part of news, fresh, v3, v4 and v5 and v6's
 * tuning part, with one unrelated same-day report per report as a negative
 * (backgroundPairs; without them the fit had a positive bias and merged two
 * reports sharing nothing). New terms hoursApart, sameActorSameKind,
 * sameActorOtherKind; repeatConflict read against older reports only (fitted
 * weight 0: inside the window the tuning data holds no second outage). Grouped
 * cross-validation: 179 of 258 same-event pairs found, 7 wrong (precision
 * 0.962); without the background pairs 227 found with 7 wrong, but a positive bias.
 * Session 6: STORY_PRECISION=0.97 STORY_MARGIN=0.15 with the new
 * term repeatConflict (v4's held-out and v5's tuning part added): 66 of the
 * 193 same-event pairs of the real-news tuning parts found, 2 wrong (margin
 * 0.3: 63, 2 wrong);
 * grouped cross-validation: 90 of 227 found, 6 wrong, none of them within a
 * day of each other.
 * Session 5: STORY_PRECISION=0.97 STORY_MARGIN=0.3, the fitted
 * regression (grouped cross-validation: 71 of 190 same-event pairs found, 3
 * different-event pairs merged; session 4's hand weights with the two new
 * terms at 0: 62 found, 1 merged). Session 4 shipped hand weights
 * (STORY_FIXED=…, only the threshold from the data). The fit: an
 * L2-regularized logistic regression over story-features (standardized
 * while fitting, written back as raw weights so that a score is readable
 * term by term). The threshold is the lowest that merges no different-event
 * pair of the training data, plus MARGIN. It also prints a grouped
 * cross-validation on the training data (each news event group, and each
 * old pair, held out in turn) to judge the features without the held-out part.
 */
import { writeFileSync } from 'node:fs';
import { bodyLeadOf, STORY_WINDOW_HOURS } from '../../src/dedupe/story-clusters.js';
import { FEATURE_NAMES } from '../../src/dedupe/story-features.js';
import { compareStories, internStory, prepareCorpus } from '../../src/dedupe/story-similarity.js';
import { readStoryText } from '../../src/dedupe/story-text.js';
import type { StoredArticle } from '../../src/types.js';
import { loadNewsPairs, pairArticles, type NewsPair, type NewsPart, type NewsSet, type Timing } from './story-news-pairs.js';
import { loadPairs, toArticle } from './story-pairs.js';

const L2 = Number(process.env.STORY_L2 ?? 1);
const MARGIN = Number(process.env.STORY_MARGIN ?? 0.5);
const NEGATIVE_WEIGHT = Number(process.env.STORY_NEGATIVE_WEIGHT ?? 1);
/**
 * The reports' distance in time while fitting: 'real-days' (the default since session 7) as the daemon
 * sees them, pairs beyond the window left out; STORY_TIMING=in-window puts every pair inside 48 hours.
 */
const TIMING: Timing = process.env.STORY_TIMING === 'in-window' ? 'in-window' : 'real-days';
/** The direction of each term: evidence for (+1) or against (-1) the same story. */
const SIGN: Record<(typeof FEATURE_NAMES)[number], 1 | -1> = {
  shared: 1,
  titleCover: 1,
  overlap: 1,
  sharedAmounts: 1,
  stageConflict: -1,
  sharedRare: 1,
  sharedDates: 1,
  actorConflict: -1,
  sameWeekday: 1,
  mainCover: 1,
  repeatConflict: -1,
  hoursApart: -1,
  sameActorSameKind: 1,
  sameActorOtherKind: -1,
};

interface Row {
  name: string;
  group: string;
  same: boolean;
  x: number[];
  /**
   * Whether the two reports lie within the clustering window at their real
   * distance (at most a day apart): a pair further apart is never compared
   * by the daemon, whatever its words (the old teaser pairs carry no days).
   */
  near: boolean;
}

function rowsOf(
  pairs: { name: string; label: string; a?: object; b?: object }[],
  articles: StoredArticle[],
  groupOf: (name: string) => string,
): Row[] {
  const corpus = prepareCorpus(articles.map((a) => internStory(readStoryText(a.title, a.summary, bodyLeadOf(a.content)))));
  return pairs.flatMap((p, i) => {
    const hoursLater = (Date.parse(articles[2 * i]!.published) - Date.parse(articles[2 * i + 1]!.published)) / 3_600_000;
    // Beyond the clustering window the daemon never compares two reports, whatever their words.
    if (Math.abs(hoursLater) > STORY_WINDOW_HOURS) return [];
    const r = compareStories(corpus.stories[2 * i]!, corpus.stories[2 * i + 1]!, corpus, hoursLater);
    if (r.veto) return [];
    const [da, db] = [p.a, p.b].map((x) => (x as { date?: string } | undefined)?.date);
    const near = !da || !db || Math.abs(Date.parse(da) - Date.parse(db)) <= 86_400_000;
    const x = r.features.map((v, k) => (DROPPED.has(k) ? 0 : v));
    return [{ name: p.name, group: groupOf(p.name), same: p.label === 'same', x, near }];
  });
}

// STORY_DROP=name,…: leave features out of the fit (their column set to 0), to judge what each adds.
const DROPPED = new Set((process.env.STORY_DROP ?? '').split(',').filter(Boolean).map((n) => FEATURE_NAMES.indexOf(n as never)));

export function trainingRows(): Row[] {
  // The held-out parts of news, fresh, v3, v4, v5 and v6 were scored and reported before
  // (sessions 2 to 7), so they are tuning data now; only v7's held-out part is clean.
  // Each part is its own corpus (word weights), as the evaluation clusters it.
  const parts: [NewsSet, NewsPart][] = [['news', 'tuning'], ['news', 'heldOut']];
  if (!process.env.STORY_NO_FRESH) parts.push(['fresh', 'tuning'], ['fresh', 'heldOut']);
  if (!process.env.STORY_NO_V3) parts.push(['v3', 'tuning'], ['v3', 'heldOut']);
  if (!process.env.STORY_NO_V4) parts.push(['v4', 'tuning'], ['v4', 'heldOut']);
  if (!process.env.STORY_NO_V5) parts.push(['v5', 'tuning'], ['v5', 'heldOut']);
  if (!process.env.STORY_NO_V6) parts.push(['v6', 'tuning'], ['v6', 'heldOut']);
  if (!process.env.STORY_NO_V7) parts.push(['v7', 'tuning']);
  const old = loadPairs();
  return [
    ...parts.flatMap(([set, part]) => {
      const pairs = loadNewsPairs(part, set);
      // A news pair's group: the events its two items report.
      const group = (name: string) => {
        const p = pairs.find((q) => q.name === name)!;
        return `${set === 'news' ? '' : `${set}:`}${[p.a.event, p.b.event].sort().join('+')}`;
      };
      const background = backgroundPairs(set, pairs);
      const all = [...pairs, ...background];
      const groupOrBackground = (name: string) => (name.startsWith('bg:') ? name.replace(/^bg:([^:]+):.*\|/, 'bg:$1:') : group(name));
      return rowsOf(all, all.flatMap((p, i) => pairArticles(p, i, TIMING)), groupOrBackground);
    }),
    ...rowsOf(process.env.STORY_NEWS_ONLY ? [] : old, old.flatMap((p, i) => [toArticle(p.a, `old:${i}:a`), toArticle(p.b, `old:${i}:b`)]), (n) => `old:${n}`),
  ];
}

/** How many unrelated reports each report of a part is paired with (backgroundPairs). */
const BACKGROUND = Number(process.env.STORY_BACKGROUND ?? 1);

/**
 * Different-event pairs as the daemon meets them most: two reports of unrelated events (no labelled
 * pair joins their events) within the window (the same day or the next), from two outlets. The labelled pairs are nearly all
 * hard ones (the same actors); at their real distance few different-event pairs remain inside the
 * window, and a fit without these merged two reports that share nothing (a positive bias). Each
 * report is paired with the next BACKGROUND reports of unrelated events in id order (deterministic).
 */
function backgroundPairs(set: NewsSet, pairs: NewsPair[]): NewsPair[] {
  const linked = new Set(pairs.flatMap((p) => [`${p.a.event}|${p.b.event}`, `${p.b.event}|${p.a.event}`]));
  const items = [...new Map(pairs.flatMap((p) => [p.a, p.b]).map((a) => [a.id, a])).values()].sort((x, y) => (x.id < y.id ? -1 : 1));
  const out: NewsPair[] = [];
  items.forEach((a, i) => {
    let found = 0;
    for (let k = 1; k < items.length && found < BACKGROUND; k++) {
      const b = items[(i + k) % items.length]!;
      if (b.event === a.event || linked.has(`${a.event}|${b.event}`) || b.source === a.source) continue;
      found++;
      // Inside the window, spread over it as the daemon meets them: every other one the same day (5 hours
      // apart), the others the next day (29 hours). All on one day (until session 7) taught the fit that
      // reports a day apart are more often one story than unrelated ones, and left hoursApart at 0.
      const date = out.length % 2 === 0 ? a.date : nextDay(a.date);
      out.push({ name: `bg:${set}:${[a.event, b.event].sort().join('+')}|${a.id}+${b.id}`, label: 'different', a, b: { ...b, date }, why: 'unrelated events' });
    }
  });
  return out;
}

function nextDay(date: string): string {
  return new Date(Date.parse(date) + 86_400_000).toISOString().slice(0, 10);
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
      // A different-event pair weighs NEGATIVE_WEIGHT times a same-event one: the goal is recall at high precision.
      const e = (p - (rows[i]!.same ? 1 : 0)) * (rows[i]!.same ? 1 : NEGATIVE_WEIGHT);
      for (let k = 0; k < d; k++) gw[k]! += e * x[k]!;
      gb += e;
    });
    for (let k = 0; k < d; k++) {
      w[k]! -= (0.5 * gw[k]!) / rows.length;
      // Each term keeps the direction a person reads it in (projected gradient): a shared calendar day is
      // evidence for a merge even where it happens to be collinear with other terms of the tuning data.
      if (w[k]! * SIGN[FEATURE_NAMES[k]!] < 0) w[k] = 0;
    }
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
function thresholdFor(all: Row[], m: { weights: number[]; bias: number }): number {
  const target = Number(process.env.STORY_PRECISION ?? 1);
  // Every pair counts, also those the window would keep apart: few different-event pairs of the
  // tuning data lie within a day of each other, too few to set a threshold by (tried: it merged nearly all).
  const rows = all;
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
  let nearWrong = 0;
  const same = rows.filter((r) => r.same).length;
  for (const g of groups) {
    const train = rows.filter((r) => r.group !== g);
    const m = fixed ?? fit(train);
    const t = thresholdFor(train, m);
    for (const r of rows.filter((q) => q.group === g)) {
      const merged = scoreOf(m, r.x) >= t;
      if (merged && r.same) found++;
      if (merged && !r.same && r.near) nearWrong++;
      if (merged && !r.same) {
        wrong++;
        console.log(`cv wrong merge: ${r.name}`);
      }
    }
  }
  console.log(`grouped cross-validation (${fixed ? 'fixed weights' : `l2 ${L2}`}, margin ${MARGIN}): ${found}/${same} found, ${wrong} wrong (${nearWrong} of them within a day of each other)`);
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
      trainedOn: `tests/fixtures/same-story/news, /fresh, /v3, /v4, /v5 and /v6, all parts (their held-out parts were reported in sessions 2 to 7), the tuning part of /v7 (${TIMING}${TIMING === 'real-days' ? ': pairs beyond the 48-hour window left out' : ''}; unrelated reports of the same and the next day as negatives) + tests/fixtures/same-story/pairs.json; v7 held-out never read`,
      trainer: `tests/dedupe/story-train.ts (${fixed ? `STORY_FIXED=${fixed.join(',')}` : `logistic regression, L2 ${L2}`}; threshold = ${
        process.env.STORY_PRECISION ? `lowest score with training precision >= ${process.env.STORY_PRECISION}` : 'best different-event pair'
      } + ${MARGIN}; every weight kept to its sign${NEGATIVE_WEIGHT !== 1 ? `, different-event pairs weighed ${NEGATIVE_WEIGHT}` : ''})`,
      features: [...FEATURE_NAMES],
      weights: m.weights.map(round),
      bias: round(m.bias),
      threshold: round(threshold),
    };
    writeFileSync(new URL('../../src/dedupe/story-model.json', import.meta.url), `${JSON.stringify(out, null, 1)}\n`);
    console.log('wrote src/dedupe/story-model.json');
  }
}
