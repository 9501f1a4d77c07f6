/**
 * Tuning aid, run by hand: `npx tsx tests/dedupe/story-tuning-scores.ts`.
 * One line per part used for tuning (never v7's held-out part): found, missed and wrong
 * pairs as clusterStories decides them, at the reports' real distance (as the daemon sees them)
 * or, with --in-window, all inside 48 hours (the text alone).
 */
import { clusterStories } from '../../src/dedupe/story-clusters.js';
import { evaluateNewsPairs, type NewsPart, type NewsSet, type Timing } from './story-news-pairs.js';
import { evaluatePairs, loadPairs, type Evaluation } from './story-pairs.js';

const line = (name: string, r: Evaluation) =>
  console.log(`${name.padEnd(22)} found ${r.truePositives}/${r.truePositives + r.falseNegatives}  wrong ${r.falsePositives}`);
let found = 0;
let wrong = 0;
// The held-out parts of news, fresh, v3, v4, v5 and v6 were reported before (sessions 2 to 7): tuning data now.
const parts: [NewsSet, NewsPart][] = [
  ['news', 'tuning'], ['news', 'heldOut'], ['fresh', 'tuning'], ['fresh', 'heldOut'], ['v3', 'tuning'], ['v3', 'heldOut'], ['v4', 'tuning'], ['v4', 'heldOut'],
  ['v5', 'tuning'], ['v5', 'heldOut'], ['v6', 'tuning'], ['v6', 'heldOut'], ['v7', 'tuning'],
];
const timing: Timing = process.argv.includes('--in-window') ? 'in-window' : 'real-days';
for (const [set, part] of parts) {
  const r = evaluateNewsPairs(part, clusterStories, timing, set);
  line(`${set} ${part}`, r);
  found += r.truePositives;
  wrong += r.falsePositives;
  if (process.argv.includes('--misses')) for (const m of [...r.missed, ...r.wrongMerges]) console.log(`    ${m}`);
}
const old = evaluatePairs(loadPairs());
line('old pairs.json', old);
console.log(`every tuning part: ${found} found, ${wrong} wrong`);
