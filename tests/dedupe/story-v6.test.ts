import { describe, expect, it } from 'vitest';
import { expectAsReported, expectNoEarlierReport, loadNewsPairs } from './story-news-pairs.js';

/**
 * The sixth batch (tests/fixtures/same-story/v6): 26 real German reports, 34
 * same-event and 35 different-event pairs (12 of them at most a day apart),
 * collected, labelled and split by family (seed 20261207; 42 pairs held out:
 * 22 same, 20 different) in session 7 before any model ran on them. The
 * held-out part was scored once, at the end of session 7 (`npm run eval:story`):
 *  - at the reports' real distance (as the daemon sees them): 17 of 22 found,
 *    none of 20 merged — its different-event pairs lie weeks or months apart,
 *    so the window alone keeps them apart: precision is not tested here;
 *  - both reports inside 48 hours (the text alone, a stress test): 17 of 22
 *    found, 5 of 20 merged (Meta's outages of 5 March and 3 April 2024,
 *    OpenAI's of 4 June 2024, 26 December 2024 and 10 June 2025).
 * Issue 14's goal, recall 0.85 at precision 0.97, is not met (recall 0.77).
 * Each test fails when one more pair of either kind goes wrong.
 * Session 8 (unrelated negatives spread over the window, hoursApart -1.36 per day, a title alone covered from its own side, two more kinds of event): tuning part 7 of 12 at real days, none wrong; held-out part (tuning data since session 8) in-window 18 of 22 with 4 wrong (17 and 5 when it was scored), at real days 18 of 22, none wrong.
 */
const REPORTED = {
  tuning: { found: 7, same: 12, wrong: 0 },
  heldOut: { found: 18, same: 22, wrong: 4 },
  heldOutRealDays: { found: 18, same: 22, wrong: 0 },
};
describe('the v6 batch of real German news pairs', () => {
  it('holds 34 same-event and 35 different-event pairs of two outlets each, split by family, 42 held out', () => {
    const tuning = loadNewsPairs('tuning', 'v6');
    const heldOut = loadNewsPairs('heldOut', 'v6');
    const all = [...tuning, ...heldOut];
    expect(all.filter((p) => p.label === 'same')).toHaveLength(34);
    expect(all.filter((p) => p.label === 'different')).toHaveLength(35);
    expect(heldOut).toHaveLength(42);
    for (const p of all) expect(p.a.source).not.toBe(p.b.source);
    const events = (ps: typeof all) => new Set(ps.flatMap((p) => [p.a.event, p.b.event]));
    const tuningEvents = events(tuning);
    for (const e of events(heldOut)) expect(tuningEvents.has(e)).toBe(false);
  });

  it('makes at least a third of its negatives hard in time: reports at most a day apart', () => {
    const all = [...loadNewsPairs('tuning', 'v6'), ...loadNewsPairs('heldOut', 'v6')].filter((p) => p.label === 'different');
    const near = all.filter((p) => Math.abs(Date.parse(p.a.date) - Date.parse(p.b.date)) <= 86_400_000);
    expect(near.length * 3).toBeGreaterThanOrEqual(all.length);
  });

  it('holds no report that an earlier batch holds (same address or same title)', () => {
    expectNoEarlierReport('v6', ['news', 'fresh', 'v3', 'v4', 'v5']);
  });

  it('tuning part at real days: no wrong merge, as many same-event pairs found as reported', () => {
    expectAsReported('v6', 'tuning', 'real-days', REPORTED.tuning);
  });

  it('held-out part at the reports\' real distance: as reported', () => {
    expectAsReported('v6', 'heldOut', 'real-days', REPORTED.heldOutRealDays);
  });

  it('held-out part, both reports inside 48 hours (the text alone): as reported', () => {
    expectAsReported('v6', 'heldOut', 'in-window', REPORTED.heldOut);
  });
});
