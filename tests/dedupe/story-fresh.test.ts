import { describe, expect, it } from 'vitest';
import { clusterStories } from '../../src/dedupe/story-clusters.js';
import { evaluateNewsPairs } from './story-news-pairs.js';

/**
 * The fresh batch (tests/fixtures/same-story/fresh): 34 same-event and 34
 * different-event pairs of real German news, collected, labelled and split
 * (seed 20261203, 33 pairs held out) in session 3 before any model ran on
 * them. The model was then set on the tuning part (with the other sets'
 * tuning parts); the held-out part was scored once, at the end
 * (`npm run eval:story`):
 *  - in-window (both reports within 48 hours, the text alone decides):
 *    14 of 17 found, 3 of 16 different-event pairs merged — recall 0.82,
 *    precision 0.82;
 *  - real days (the reports' real distance, as the daemon sees them):
 *    14 of 17 found, none merged — recall 0.82, precision 1.00.
 * Session 2's model, scored on it afterwards for comparison: 13 of 17 with
 * 5 wrong (in-window), 13 of 17 with none (real days). Issue 14's goal,
 * recall 0.85 at precision 0.97, is not met in either timing.
 *
 * Each test fails when one more pair of either kind goes wrong.
 */
const REPORTED = {
  tuning: { found: 9, same: 17, wrong: 0 },
  heldOut: { found: 14, same: 17, wrong: 3 },
  heldOutRealDays: { found: 14, same: 17, wrong: 0 },
};

describe('clusterStories on the fresh batch of real German news pairs', () => {
  it('tuning part: no wrong merge, as many same-event pairs found as reported', () => {
    const r = evaluateNewsPairs('tuning', clusterStories, 'in-window', 'fresh');
    expect(r.wrongMerges).toEqual([]);
    expect(r.truePositives).toBeGreaterThanOrEqual(REPORTED.tuning.found);
  });

  it('held-out part, both reports inside 48 hours: as reported', () => {
    const r = evaluateNewsPairs('heldOut', clusterStories, 'in-window', 'fresh');
    expect(r.truePositives + r.falseNegatives).toBe(REPORTED.heldOut.same);
    expect(r.truePositives).toBeGreaterThanOrEqual(REPORTED.heldOut.found);
    expect(r.falsePositives).toBeLessThanOrEqual(REPORTED.heldOut.wrong);
  });

  it('held-out part, the reports at their real distance in days: as reported', () => {
    const r = evaluateNewsPairs('heldOut', clusterStories, 'real-days', 'fresh');
    expect(r.truePositives).toBeGreaterThanOrEqual(REPORTED.heldOutRealDays.found);
    expect(r.falsePositives).toBeLessThanOrEqual(REPORTED.heldOutRealDays.wrong);
  });
});
