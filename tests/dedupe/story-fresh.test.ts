import { describe, it } from 'vitest';
import { expectAsReported } from './story-news-pairs.js';

/**
 * The fresh batch (tests/fixtures/same-story/fresh): 34 same-event and 34
 * different-event pairs of real German news, collected, labelled and split
 * (seed 20261203, 33 pairs held out) in session 3 before any model ran on
 * them. Its held-out part was scored and reported in session 3 (14 of 17
 * found, 3 wrong in-window), so since session 4 both parts are tuning data;
 * the clean figure is the v3 batch's (story-v3.test.ts).
 * Session 4's model (`npm run eval:story`):
 *  - tuning part: 7 of 17 found, none wrong;
 *  - held-out part in-window: 9 of 17 found, 1 of 16 different-event pairs
 *    merged (AWS's sovereign-cloud governance report vs its announcement a
 *    year earlier);
 *  - held-out part at real days: 9 of 17 found, none merged.
 *
 * Session 7 (the model fitted at the reports' real distance, tests/dedupe/story-train.ts): tuning part at
 * real days 15 of 17 found, none wrong; held-out part in-window 15 of 17 found,
 * 7 different-event pairs merged (the text alone: a stress test); at real days 14 of 17, none merged.
 *
 * Session 8 (unrelated negatives spread over the window, hoursApart -1.36 per day, a title alone covered from its own side, two more kinds of event): tuning part 14 of 17 at real days (one fewer), none wrong; held-out part in-window
 * 15 of 17 with 7 wrong, at real days 14 of 17, none wrong (unchanged).
 *
 * Each test fails when one more pair of either kind goes wrong.
 */
const REPORTED = {
  tuning: { found: 14, same: 17, wrong: 0 },
  heldOut: { found: 15, same: 17, wrong: 7 },
  heldOutRealDays: { found: 14, same: 17, wrong: 0 },
};

describe('clusterStories on the fresh batch of real German news pairs', () => {
  it('tuning part at real days: no wrong merge, as many same-event pairs found as reported', () => {
    expectAsReported('fresh', 'tuning', 'real-days', REPORTED.tuning);
  });

  it('held-out part, both reports inside 48 hours: as reported', () => {
    expectAsReported('fresh', 'heldOut', 'in-window', REPORTED.heldOut);
  });

  it('held-out part, the reports at their real distance in days: as reported', () => {
    expectAsReported('fresh', 'heldOut', 'real-days', REPORTED.heldOutRealDays);
  });
});
