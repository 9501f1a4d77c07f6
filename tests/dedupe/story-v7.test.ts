import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectAsReported, expectNoEarlierReport, loadNewsPairs, type NewsPair } from './story-news-pairs.js';

/**
 * The seventh batch (tests/fixtures/same-story/v7): 30 real German reports, 22 same-event and
 * 34 different-event pairs (27 of them at most a day apart, in five families), collected, labelled
 * and split in session 8 before any model ran on them: by family, stratified on negatives inside the
 * window (seed 20261208; 36 pairs held out: 15 same, 21 different). The held-out part was scored
 * once, at the end of session 8, with the session-8 model (`npm run eval:story`):
 *  - at the reports' real distance (as the daemon sees them): 13 of 15 found, none of 21 merged
 *    (15 of the 21 lie at most a day apart: Intel's job cuts vs its warranty extension, Amazon's
 *    robot plans vs AWS's outage, Microsoft's figures vs its outage, Linux 6.19 vs BSI's warning);
 *  - both reports inside 48 hours: 13 of 15 found, 1 of 21 merged (BSI's kernel warning of
 *    2 February 2026 vs its update of the 10th, put a day apart).
 * Missed both times: junge Welt's short teaser of Intel's job cuts vs Stuttgarter Nachrichten's and
 * finanznachrichten's reports (scores 1.06 and -1.26 against 2.29). Each test fails when one more
 * pair of either kind goes wrong.
 */
const REPORTED = {
  tuning: { found: 6, same: 7, wrong: 0 },
  heldOutRealDays: { found: 13, same: 15, wrong: 0 },
  heldOut: { found: 13, same: 15, wrong: 1 },
};
const dayApart = (p: NewsPair) => Math.abs(Date.parse(p.a.date) - Date.parse(p.b.date)) <= 86_400_000;
const nearNegatives = (ps: NewsPair[]) => ps.filter((p) => p.label === 'different' && dayApart(p));
const families = (ps: NewsPair[]) => new Set(ps.map((p) => (p as NewsPair & { family?: string }).family ?? p.a.event));

describe('the v7 batch of real German news pairs', () => {
  it('holds 22 same-event and 34 different-event pairs of two outlets each, split by family, 36 held out', () => {
    const tuning = loadNewsPairs('tuning', 'v7');
    const heldOut = loadNewsPairs('heldOut', 'v7');
    const all = [...tuning, ...heldOut];
    expect(all.filter((p) => p.label === 'same')).toHaveLength(22);
    expect(all.filter((p) => p.label === 'different')).toHaveLength(34);
    expect(heldOut).toHaveLength(36);
    expect(heldOut.length / all.length).toBeGreaterThanOrEqual(0.4);
    for (const p of all) expect(p.a.source).not.toBe(p.b.source);
    const events = (ps: typeof all) => new Set(ps.flatMap((p) => [p.a.event, p.b.event]));
    const tuningEvents = events(tuning);
    for (const e of events(heldOut)) expect(tuningEvents.has(e)).toBe(false);
  });

  it('measures precision inside the window: both parts hold negatives at most a day apart, the held-out part from several families', () => {
    const pairs = JSON.parse(readFileSync(new URL('../fixtures/same-story/v7/pairs.json', import.meta.url), 'utf8')) as {
      pairs: { name: string; family: string }[];
    };
    const familyOf = new Map(pairs.pairs.map((p) => [p.name, p.family]));
    const withFamily = (ps: NewsPair[]) => ps.map((p) => ({ ...p, family: familyOf.get(p.name)! }));
    const heldOut = withFamily(loadNewsPairs('heldOut', 'v7'));
    const tuning = withFamily(loadNewsPairs('tuning', 'v7'));
    expect(nearNegatives(heldOut)).toHaveLength(15);
    expect(families(nearNegatives(heldOut)).size).toBeGreaterThanOrEqual(3);
    expect(nearNegatives(tuning).length).toBeGreaterThan(0);
  });

  it('holds no report that an earlier batch holds (same address or same title)', () => {
    expectNoEarlierReport('v7', ['news', 'fresh', 'v3', 'v4', 'v5', 'v6']);
  });

  it('tuning part at real days: no wrong merge, as many same-event pairs found as reported', () => {
    expectAsReported('v7', 'tuning', 'real-days', REPORTED.tuning);
  });

  it("held-out part at the reports' real distance: as reported", () => {
    expectAsReported('v7', 'heldOut', 'real-days', REPORTED.heldOutRealDays);
  });

  it('held-out part, both reports inside 48 hours: as reported', () => {
    expectAsReported('v7', 'heldOut', 'in-window', REPORTED.heldOut);
  });
});
