/**
 * The held-out figures of same-story merging, reproducible:
 * `npm run eval:story` (add `-- --misses` to list the same-event pairs not
 * merged and the different-event pairs merged).
 *
 * Scores every labelled part as clustering sees it (clusterStories over the
 * whole part at once, each pair in its own slot of time):
 *  - v8: a blind batch of session 8, built by someone who never saw the
 *    story code, model or figures; every pair is held out;
 *  - v7: the batch collected in session 8, split by family (stratified on
 *    negatives inside the window) before any model ran on it; its held-out
 *    part is the figure to read, at real days (as the daemon sees the
 *    reports) and in-window (both reports inside 48 hours);
 *  - v6: the batch collected in session 7; its held-out part was scored and
 *    reported in session 7, so it is tuning data now;
 *  - v5: the batch collected in session 6; its held-out part was scored and
 *    reported in session 6, so it is tuning data now;
 *  - v4: the batch collected in session 5; its held-out part was scored and
 *    reported in session 5, so it is tuning data now;
 *  - v3: the batch collected in session 4; its held-out part was scored and
 *    reported in session 4, so it is tuning data now;
 *  - fresh: the batch collected in session 3; its held-out part was scored
 *    and reported in session 3, so it is tuning data now;
 *  - news: the first real-news set; its held-out part was scored and
 *    reported in session 2, so it is tuning data now;
 *  - old teaser set: pairs.json (tuning) and holdout.json.
 * Timing 'in-window' puts both reports of every pair inside 48 hours, so the
 * text alone decides; 'real-days' keeps their real distance, as the daemon
 * sees them. Tuning happens elsewhere (story-tune.ts, story-train.ts) and
 * never prints a held-out pair.
 */
import { clusterStories } from '../../src/dedupe/story-clusters.js';
import { evaluateNewsPairs, loadNewsPairs, type NewsPart, type NewsSet, type Timing } from './story-news-pairs.js';
import { evaluatePairs, loadPairs, type Evaluation } from './story-pairs.js';

const showMisses = process.argv.includes('--misses');

function line(name: string, r: Evaluation): void {
  const same = r.truePositives + r.falseNegatives;
  console.log(
    `${name.padEnd(44)} recall ${r.recall.toFixed(3)} (${r.truePositives}/${same})  precision ${r.precision.toFixed(3)} (${r.falsePositives} wrong)`,
  );
  if (!showMisses) return;
  for (const m of r.missed) console.log(`    missed  ${m}`);
  for (const w of r.wrongMerges) console.log(`    wrong   ${w}`);
}

const sets: [NewsSet, string][] = [
  ['v8', 'eighth batch v8 (session 8, blind, all held out)'],
  ['v7', 'seventh batch v7 (session 8)'],
  ['v6', 'sixth batch v6 (session 7, held-out seen in session 7)'],
  ['v5', 'fifth batch v5 (session 6, held-out seen in session 6)'],
  ['v4', 'fourth batch v4 (session 5, held-out seen in session 5)'],
  ['v3', 'third batch v3 (session 4, held-out seen in session 4)'],
  ['fresh', 'fresh batch (session 3, held-out seen in session 3)'],
  ['news', 'first news set (held-out seen in session 2)'],
];
for (const [set, label] of sets) {
  console.log(label);
  for (const part of ['heldOut', 'tuning'] as NewsPart[]) {
    if (loadNewsPairs(part, set).length === 0) continue; // v8 has no tuning part
    for (const timing of ['in-window', 'real-days'] as Timing[]) {
      line(`  ${part}, ${timing}`, evaluateNewsPairs(part, clusterStories, timing, set));
    }
  }
}
// v7's pairs between events no earlier set reports (the batch's newEvents flag), held-out part.
for (const timing of ['in-window', 'real-days'] as Timing[]) {
  line(`v7 heldOut, new events only, ${timing}`, evaluateNewsPairs('heldOut', clusterStories, timing, 'v7', (p) => p.newEvents === true));
}
// v7's held-out different-event pairs at most a day apart: what the batch was built to measure.
line('v7 heldOut, negatives inside the window only, real-days', evaluateNewsPairs('heldOut', clusterStories, 'real-days', 'v7', (p) => p.label === 'same' || Math.abs(Date.parse(p.a.date) - Date.parse(p.b.date)) <= 86_400_000));
console.log('old teaser set');
line('  holdout.json', evaluatePairs(loadPairs('holdout.json')));
line('  pairs.json (tuning)', evaluatePairs(loadPairs()));
