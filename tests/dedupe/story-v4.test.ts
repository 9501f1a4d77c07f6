import { describe, expect, it } from 'vitest';
import { expectAsReported, loadNewsPairs } from './story-news-pairs.js';

/**
 * The fourth batch (tests/fixtures/same-story/v4): 29 real German articles,
 * 37 same-event and 36 different-event pairs, collected, labelled and split
 * (seed 20261205, 36 pairs held out: 16 same, 20 different) in session 5
 * before any model ran on them. Session 4's model on the tuning part, before
 * any change: 3 of 21 found, none wrong. The fitted model (session 5, set on
 * this tuning part and every part of news, fresh and v3): 9 of 21, none
 * wrong. The held-out part was scored once, at the end (`npm run eval:story`):
 *  - in-window (both reports within 48 hours, the text alone decides): 8 of
 *    16 found, 1 of 20 different-event pairs merged (a dpa-AFX report of
 *    Akamai's outage whose last paragraph recalls Fastly's, with the APA
 *    report of Fastly's) — recall 0.50, precision 0.89;
 *  - real days: 8 of 16 found, none merged — recall 0.50, precision 1.00.
 * Session 4's model, scored on it afterwards for comparison: 1 of 16 (1 wrong
 * in-window, none at real days). Issue 14's goal, recall 0.85 at precision
 * 0.97, is not met.
 *
 * Session 7 (the model fitted at the reports' real distance, tests/dedupe/story-train.ts): tuning part at
 * real days 12 of 21 found, none wrong; held-out part in-window 14 of 16 found,
 * 4 different-event pairs merged (the text alone: a stress test); at real days 14 of 16, none merged.
 *
 * Each test fails when one more pair of either kind goes wrong.
 * Session 8 (unrelated negatives spread over the window, hoursApart -1.36 per day, a title alone covered from its own side, two more kinds of event): tuning part 13 of 21 at real days, none wrong; held-out part in-window 15 of 16 with 3 wrong (14 and 4 before), at real days 15 of 16, none wrong.
 */
const REPORTED = {
  // Session 6's refit (v4 and v5 tuning data added): 8 of 21 (session 5: 9).
  tuning: { found: 13, same: 21, wrong: 0 },
  heldOut: { found: 15, same: 16, wrong: 3 },
  heldOutRealDays: { found: 15, same: 16, wrong: 0 },
};

describe('the v4 batch of real German news pairs (tuning data since session 6)', () => {
  it('holds 37 same-event and 36 different-event pairs of two outlets each, 36 of them held out', () => {
    const tuning = loadNewsPairs('tuning', 'v4');
    const heldOut = loadNewsPairs('heldOut', 'v4');
    const all = [...tuning, ...heldOut];
    expect(all.filter((p) => p.label === 'same')).toHaveLength(37);
    expect(all.filter((p) => p.label === 'different')).toHaveLength(36);
    expect(heldOut).toHaveLength(36);
    expect(new Set(all.map((p) => p.name)).size).toBe(73);
    for (const p of all) expect(p.a.source).not.toBe(p.b.source);
  });

  it('tuning part at real days: no wrong merge, as many same-event pairs found as reported', () => {
    expectAsReported('v4', 'tuning', 'real-days', REPORTED.tuning);
  });

  it('held-out part, both reports inside 48 hours: as reported', () => {
    expectAsReported('v4', 'heldOut', 'in-window', REPORTED.heldOut);
  });

  it('held-out part, the reports at their real distance in days: as reported', () => {
    expectAsReported('v4', 'heldOut', 'real-days', REPORTED.heldOutRealDays);
  });
});
