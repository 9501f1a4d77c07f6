import { describe, it } from 'vitest';
import { expectAsReported } from './story-news-pairs.js';

/**
 * The third batch (tests/fixtures/same-story/v3): 42 real German articles,
 * 36 same-event and 30 different-event pairs, collected, labelled and split
 * (seed 20261204, 34 pairs held out: 20 same, 14 different) in session 4
 * before any model ran on them. Session 3's model on the tuning part, before
 * any change: 5 of 16 found, 1 wrong. The model was then set on the tuning
 * data (this tuning part, news and fresh); the held-out part was scored once,
 * at the end (`npm run eval:story`):
 *  - in-window (both reports within 48 hours, the text alone decides):
 *    1 of 20 found, none of 14 different-event pairs merged — recall 0.05,
 *    precision 1.00;
 *  - real days: the same.
 * Session 3's model, scored on it afterwards for comparison: 3 of 20, none
 * merged. Issue 14's goal, recall 0.85 at precision 0.97, is not met.
 *
 * Session 7 (the model fitted at the reports' real distance, tests/dedupe/story-train.ts): tuning part at
 * real days 9 of 16 found, none wrong; held-out part in-window 4 of 20 found,
 * 0 different-event pairs merged (the text alone: a stress test); at real days 4 of 20, none merged.
 *
 * Each test fails when one more pair of either kind goes wrong.
 * Session 8 (unrelated negatives spread over the window, hoursApart -1.36 per day, a title alone covered from its own side, two more kinds of event): tuning part 9 of 16 at real days, none wrong; held-out part 5 of 20 in-window and at real days (4 before), none wrong.
 */
const REPORTED = {
  tuning: { found: 9, same: 16, wrong: 0 },
  heldOut: { found: 5, same: 20, wrong: 0 },
  heldOutRealDays: { found: 5, same: 20, wrong: 0 },
};

describe('clusterStories on the v3 batch of real German news pairs', () => {
  it('tuning part at real days: no wrong merge, as many same-event pairs found as reported', () => {
    expectAsReported('v3', 'tuning', 'real-days', REPORTED.tuning);
  });

  it('held-out part, both reports inside 48 hours: as reported', () => {
    expectAsReported('v3', 'heldOut', 'in-window', REPORTED.heldOut);
  });

  it('held-out part, the reports at their real distance in days: as reported', () => {
    expectAsReported('v3', 'heldOut', 'real-days', REPORTED.heldOutRealDays);
  });
});
