import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectAsReported, loadNewsPairs } from './story-news-pairs.js';

/**
 * The fifth batch (tests/fixtures/same-story/v5): 45 real German reports, 62
 * same-event and 92 different-event pairs, collected, labelled and split by
 * family (seed 20261206; 89 pairs held out: 41 same, 48 different) in
 * session 6 before any model ran on them; rebuilt once before its held-out
 * part was scored (13 reports that earlier sets already held removed). The
 * session-5 model on the tuning part before any change: 0 of 21 found, none
 * wrong. The held-out part was scored once, at the end (`npm run eval:story`):
 *  - in-window (both reports within 48 hours): 9 of 41 found, none of 48
 *    different-event pairs merged — recall 0.22, precision 1.00;
 *  - real days: 8 of 41 found, none merged — recall 0.20, precision 1.00;
 *  - pairs between events no earlier set reports: 2 of 12 in-window, 1 of 12
 *    at real days, none of 12 merged.
 * The session-5 model on the same held-out pairs: 7 of 41 in-window with one
 * different-event pair merged (ComputerBase's 6.12-rc1 report with HostZealot's
 * 6.12 release), 6 of 41 at real days. Issue 14's goal, recall 0.85 at
 * precision 0.97, is not met.
 *
 * Session 7 (the model fitted at the reports' real distance, tests/dedupe/story-train.ts): tuning part at
 * real days 9 of 21 found, none wrong; held-out part in-window 28 of 41 found,
 * 4 different-event pairs merged (the text alone: a stress test); at real days 27 of 41, none merged.
 *
 * Each test fails when one more pair of either kind goes wrong.
 * Session 8 (unrelated negatives spread over the window, hoursApart -1.36 per day, a title alone covered from its own side, two more kinds of event): tuning part 11 of 21 at real days, none wrong; held-out part in-window 29 of 41 with 2 wrong (28 and 4 before), at real days 28 of 41, none wrong.
 */
const REPORTED = {
  tuning: { found: 11, same: 21, wrong: 0 },
  heldOut: { found: 29, same: 41, wrong: 2 },
  heldOutRealDays: { found: 28, same: 41, wrong: 0 },
};

describe('the v5 batch of real German news pairs', () => {
  it('holds 62 same-event and 92 different-event pairs of two outlets each, split by family, 89 held out', () => {
    const tuning = loadNewsPairs('tuning', 'v5');
    const heldOut = loadNewsPairs('heldOut', 'v5');
    const all = [...tuning, ...heldOut];
    expect(all.filter((p) => p.label === 'same')).toHaveLength(62);
    expect(all.filter((p) => p.label === 'different')).toHaveLength(92);
    expect(heldOut).toHaveLength(89);
    for (const p of all) expect(p.a.source).not.toBe(p.b.source);
    // No event on both sides of the split.
    const events = (ps: typeof all) => new Set(ps.flatMap((p) => [p.a.event, p.b.event]));
    const tuningEvents = events(tuning);
    for (const e of events(heldOut)) expect(tuningEvents.has(e)).toBe(false);
  });

  it('holds no report that an earlier batch holds (same address)', () => {
    const urls = (set: string) =>
      (JSON.parse(readFileSync(new URL(`../fixtures/same-story/${set}/articles.json`, import.meta.url), 'utf8')) as { articles: { url?: string }[] }).articles
        .map((a) => (a.url ?? '').replace(/^https?:\/\/(www\.)?/, '').split('?')[0]!)
        .filter(Boolean);
    const earlier = new Set(['news', 'fresh', 'v3', 'v4'].flatMap(urls));
    expect(urls('v5').filter((u) => earlier.has(u))).toEqual([]);
  });

  it('tuning part at real days: no wrong merge, as many same-event pairs found as reported', () => {
    expectAsReported('v5', 'tuning', 'real-days', REPORTED.tuning);
  });

  it('held-out part, both reports inside 48 hours: as reported', () => {
    expectAsReported('v5', 'heldOut', 'in-window', REPORTED.heldOut);
  });

  it('held-out part, the reports at their real distance in days: as reported', () => {
    expectAsReported('v5', 'heldOut', 'real-days', REPORTED.heldOutRealDays);
  });
});
