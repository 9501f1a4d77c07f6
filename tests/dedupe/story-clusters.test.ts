import { describe, expect, it } from 'vitest';
import { clusterStories, StoryIndex, storyOrder, weightsOver, weightsOverInSlices } from '../../src/dedupe/story-clusters.js';
import type { StoredArticle } from '../../src/types.js';
import { compareStories, explainComparison, internStory, prepareCorpus, sameStoryScore } from '../../src/dedupe/story-similarity.js';
import { readStoryText } from '../../src/dedupe/story-text.js';
import { evaluateNewsPairs, newsArticle, type NewsEvaluation } from './story-news-pairs.js';
import { evaluatePairs, loadPairs, toArticle, type Evaluation, type TeaserFixture } from './story-pairs.js';

/**
 * The real-news pairs (tests/fixtures/same-story/news, split before tuning in
 * session 2): tuning part 69 pairs (33 same, 36 different), held-out 59 (32
 * same, 27 different). Its held-out part was scored and reported in session
 * 2, so since session 4 both parts are tuning data; the clean figure is the
 * v4 batch's (story-v4.test.ts). Figures in REPORTED, measured in session 5
 * with the fitted model (`npm run eval:story`), in-window and at real days
 * alike: tuning part 11 of 33 found, held-out part 15 of 32, no
 * different-event pair merged (session 4: 10 and 12). Session 3's model found
 * 19 and 18, and merged 3 different-event pairs of the held-out part
 * in-window (2 at real days): the threshold keeps the training precision at
 * 0.97, which costs recall. The older teaser set (titles and teasers, no
 * body) lost pairs to the fitted model: 14 of 36 (session 4: 17), as the fit
 * weighs the real-news pairs that make up most of the tuning data.
 *
 * Session 7 (the model fitted at the reports' real distance, with unrelated
 * reports of the same day as negatives: tests/dedupe/story-train.ts): tuning
 * part 22 of 33 found at real days, none wrong (in-window 5 wrong: the text
 * alone is a stress test now); held-out part in-window 25 of 32 with 6 wrong,
 * at real days 24 of 32 with 1 wrong; the older teaser set 34 of 36 with 2
 * wrong (Let's Encrypt's two announcements, GitLab's fix vs its release).
 *
 * Session 8 (unrelated negatives spread over the window, hoursApart -1.36 per day, a title alone
 * covered from its own side, two more kinds of event): tuning part 26 of 33 at real days, none
 * wrong; held-out part in-window 24 of 32 with 6 wrong, at real days 23 of 32 with 1 wrong (one
 * pair fewer each); the older teaser set 34 of 36 with 2 wrong; its held-out pairs 5 of 6, and one
 * wrong merge now ("Docker schließt Lücke in BuildKit" vs "Docker Scout prüft Images … BuildKit-
 * Attestierungen", 16 hours apart: 2.32 against the threshold 2.29).
 *
 * The tests cluster the pairs every run and compare with the reported
 * figures: losing one pair of either kind fails (MARGIN is below 1/32).
 */
const REPORTED = {
  tuning: { found: 26, same: 33 },
  heldOut: { found: 24, same: 32, wrong: 6 },
  heldOutRealDays: { found: 23, same: 32, wrong: 1 },
  oldSet: { found: 34, same: 36, wrong: 2 },
  oldHoldout: { found: 5, same: 6, wrong: 1 },
};
const MARGIN = 0.02;
const recallOf = (r: { found: number; same: number }) => r.found / r.same;
const precisionOf = (r: { found: number; wrong: number }) => r.found / (r.found + r.wrong);

const teaser = (source: string, title: string, summary: string, published: string): TeaserFixture => ({ source, title, summary, published });
const heise = teaser(
  'heise online',
  'Akamai übernimmt das Hosting von kernel.org',
  'Der CDN-Anbieter Akamai stellt künftig Server und Bandbreite für kernel.org bereit. Die Linux Kernel Organization verspricht sich eine höhere Verfügbarkeit.',
  '2026-11-20T08:00:00.000Z',
);
const ipInsider = teaser(
  'ip-insider.de',
  'kernel.org zieht zu Akamai: Hosting für die Kernel-Quellen',
  'Akamai stellt künftig die Infrastruktur für kernel.org. Die Linux Kernel Organization erhofft sich mehr Verfügbarkeit für die Kernel-Quellen.',
  '2026-11-20T11:00:00.000Z',
);
const golem = teaser(
  'golem.de',
  'Hosting von kernel.org geht an Akamai',
  'Der CDN-Anbieter Akamai stellt Server und Bandbreite für kernel.org. Die Linux Kernel Organization will so die Verfügbarkeit steigern.',
  '2026-11-20T13:00:00.000Z',
);

function articles(...teasers: TeaserFixture[]): StoredArticle[] {
  return teasers.map((t, i) => toArticle(t, `test:${i}`));
}

describe('clusterStories on real German news pairs', () => {
  it('merges no different events of the tuning part at real days and finds as many same ones as reported', () => {
    const result = evaluateNewsPairs('tuning', clusterStories, 'real-days');
    report('news tuning part', result);
    expect(result.wrongMerges).toEqual([]);
    expect(result.recall).toBeGreaterThanOrEqual(recallOf(REPORTED.tuning) - MARGIN);
  });

  it('holds on the part held out in session 2 (tuning data since session 4), as reported', () => {
    const result = evaluateNewsPairs('heldOut', clusterStories);
    report('news held-out part', result);
    expect(result.precision).toBeGreaterThanOrEqual(precisionOf(REPORTED.heldOut) - MARGIN);
    expect(result.recall).toBeGreaterThanOrEqual(recallOf(REPORTED.heldOut) - MARGIN);
  });

  it('with the real distance in days between the two reports, as the daemon sees them', () => {
    const tuning = evaluateNewsPairs('tuning', clusterStories, 'real-days');
    report('news tuning part, real days apart', tuning);
    expect(tuning.wrongMerges).toEqual([]);
    expect(tuning.recall).toBeGreaterThanOrEqual(recallOf(REPORTED.tuning) - MARGIN);
    const heldOut = evaluateNewsPairs('heldOut', clusterStories, 'real-days');
    report('news held-out part, real days apart', heldOut);
    expect(heldOut.precision).toBeGreaterThanOrEqual(precisionOf(REPORTED.heldOutRealDays) - MARGIN);
    expect(heldOut.recall).toBeGreaterThanOrEqual(recallOf(REPORTED.heldOutRealDays) - MARGIN);
  });

  // Issue 14's example. Session 7's model missed it (the heise title has no teaser, so it could not
  // cover the seed's title); session 8 reads a title alone's cover from its own side.
  it("merges heise's title with the seed's kernel.org article (same event, same day, other words)", () => {
    const heise = newsArticle('kernelorg-heise', '2025-06-25T08:00:00.000Z');
    const seed = newsArticle('kernelorg-ipinsider', '2025-06-25T11:00:00.000Z');
    expect(heise.summary).toBe('');
    const clusters = clusterStories([heise, seed]);
    expect(clusters).toHaveLength(1);
    expect(clusters[0]!.others).toHaveLength(1);
  });
});

describe('clusterStories on the older teaser pairs (regression)', () => {
  it('merges as few different stories as reported and finds as many same ones', () => {
    const result = evaluatePairs(loadPairs());
    report('old teaser set', result);
    expect(result.falsePositives).toBeLessThanOrEqual(REPORTED.oldSet.wrong);
    expect(result.recall).toBeGreaterThanOrEqual(recallOf(REPORTED.oldSet) - MARGIN);
  });

  it('holds on its held-out pairs', () => {
    const result = evaluatePairs(loadPairs('holdout.json'));
    report('old held-out set', result);
    expect(result.falsePositives).toBeLessThanOrEqual(REPORTED.oldHoldout.wrong);
    expect(result.recall).toBeGreaterThanOrEqual(recallOf(REPORTED.oldHoldout) - MARGIN);
  });
});

function report(name: string, r: Evaluation | NewsEvaluation): void {
  console.info(
    `same-story ${name}: precision ${r.precision.toFixed(3)}, recall ${r.recall.toFixed(3)} ` +
      `(${r.truePositives} found, ${r.falseNegatives} missed, ${r.falsePositives} wrong)`,
  );
}

describe('clusterStories', () => {
  it('folds three outlets into one cluster led by the first one stored, others newest first', () => {
    const clusters = clusterStories(articles(golem, heise, ipInsider));
    expect(clusters).toHaveLength(1);
    expect(clusters[0]!.lead.sources[0]!.name).toBe('heise online');
    expect(clusters[0]!.others.map((a) => a.sources[0]!.name)).toEqual(['golem.de', 'ip-insider.de']);
  });

  it('StoryIndex: an unchanged cluster is the same object from one clusters() to the next, a joined one is made anew', () => {
    const input = articles(heise, ipInsider, golem, teaser('Pro-Linux', 'Debian 13 erschienen', 'Trixie ist da.', '2026-11-20T09:00:00.000Z')).sort(storyOrder);
    // golem joins heise's cluster after the first call; Pro-Linux's stays alone.
    const first = input.filter((a) => a.sources[0]!.name !== 'golem.de');
    const index = new StoryIndex(weightsOver(input));
    for (const a of first) index.add(a);
    const before = index.clusters();
    expect(index.clusters()).toEqual(before);
    expect(index.clusters().every((c, k) => c === before[k])).toBe(true);
    index.add(input.find((a) => a.sources[0]!.name === 'golem.de')!);
    const after = index.clusters();
    const joined = after.findIndex((c) => c.others.some((o) => o.sources[0]!.name === 'golem.de'));
    expect(joined).toBeGreaterThanOrEqual(0);
    expect(after[joined]).not.toBe(before[joined]);
    expect(after.filter((c, k) => k !== joined).every((c) => before.includes(c))).toBe(true);
    // The same clusters as clustering all of them at once.
    expect(after.map((c) => [c.lead.id, c.others.map((o) => o.id)])).toEqual(clusterStories(input).map((c) => [c.lead.id, c.others.map((o) => o.id)]));
  });

  it('puts every input in exactly one cluster, whatever the input order', () => {
    const input = articles(heise, ipInsider, golem, teaser('Pro-Linux', 'Debian 13 erschienen', 'Trixie ist da.', '2026-11-20T09:00:00.000Z'));
    for (const order of [input, [...input].reverse()]) {
      const clusters = clusterStories(order);
      const ids = clusters.flatMap((c) => [c.lead.id, ...c.others.map((a) => a.id)]);
      expect(ids.sort()).toEqual(input.map((a) => a.id).sort());
      expect(clusters).toHaveLength(2);
    }
  });

  it('never joins two articles of one source (a follow-up is not a duplicate)', () => {
    expect(clusterStories(articles(heise, ipInsider))).toHaveLength(1); // the same texts from two outlets do merge
    const followUp = { ...ipInsider, source: 'heise online' };
    expect(clusterStories(articles(heise, followUp))).toHaveLength(2);
  });

  it('never joins an article that several sources carried with one of those sources', () => {
    const [a, b] = articles(heise, ipInsider);
    a!.sources.push({ name: 'golem.de', firstSeen: a!.firstSeen });
    expect(clusterStories([a!, b!])).toHaveLength(1); // another outlet besides: still merged
    a!.sources.push({ name: 'ip-insider.de', firstSeen: a!.firstSeen });
    expect(clusterStories([a!, b!])).toHaveLength(2);
  });

  it('only joins reports within 48 hours', () => {
    // heise's text reprinted by another outlet (a syndicated report): the same story by its words alone,
    // so the window, not the distance in time the model weighs (hoursApart), decides at the edges.
    const reprint = { ...heise, source: 'ip-insider.de' };
    const late = { ...reprint, published: '2026-11-22T09:00:00.000Z' };
    expect(clusterStories(articles(heise, late))).toHaveLength(2);
    const inTime = { ...reprint, published: '2026-11-22T07:00:00.000Z' };
    expect(clusterStories(articles(heise, inTime))).toHaveLength(1);
  });

  it('keeps different versions apart even when the teasers are otherwise identical', () => {
    const a = teaser('heise online', 'Linux 6.12 freigegeben', 'Torvalds hat den neuen Kernel mit Echtzeit-Support freigegeben.', '2026-11-20T08:00:00.000Z');
    const b = teaser('golem.de', 'Linux 6.13 freigegeben', 'Torvalds hat den neuen Kernel mit Echtzeit-Support freigegeben.', '2026-11-20T09:00:00.000Z');
    expect(clusterStories(articles(a, b))).toHaveLength(2);
    expect(clusterStories(articles(a, { ...b, title: 'Linux 6.12 freigegeben' }))).toHaveLength(1);
  });

  it('weighs two stages of one affair apart: talks reported vs the deal', () => {
    const deal = teaser(
      'heise online',
      'Broadcom übernimmt VMware für 61 Milliarden Dollar',
      'Der Chipkonzern Broadcom übernimmt den Virtualisierungsspezialisten VMware. Hock Tan will das Softwaregeschäft ausbauen.',
      '2026-11-20T08:00:00.000Z',
    );
    const talks = teaser(
      'golem.de',
      'Kreise: Broadcom verhandelt mit VMware über Übernahme',
      'Der Chipkonzern Broadcom will laut Insidern den Virtualisierungsspezialisten VMware übernehmen. Hock Tan will das Softwaregeschäft ausbauen.',
      '2026-11-20T09:00:00.000Z',
    );
    const otherDealReport = teaser(
      'golem.de',
      'VMware geht für 61 Milliarden Dollar an Broadcom',
      'Broadcom übernimmt den Virtualisierungsspezialisten VMware. Konzernchef Hock Tan will das Softwaregeschäft ausbauen.',
      '2026-11-20T09:00:00.000Z',
    );
    // Session 6's fit (stageConflict -1.80, threshold 1.88) merges this made-up pair, whose words are nearly
    // the same: a known weakness (README, "Same story"). What still holds: the stage term alone costs the
    // talks report its full weight against the deal, and the other deal report scores higher.
    const input = articles(deal, talks, otherDealReport);
    const corpus = prepareCorpus(input.map((x) => internStory(readStoryText(x.title, x.summary))));
    const [sDeal, sTalks, sOther] = corpus.stories;
    const vsTalks = explainComparison(compareStories(sDeal!, sTalks!, corpus));
    const vsOther = explainComparison(compareStories(sDeal!, sOther!, corpus));
    expect(vsTalks.terms.stageConflict!.value).toBe(1);
    expect(vsTalks.terms.stageConflict!.adds).toBeLessThan(-1);
    expect(vsOther.terms.stageConflict!.value).toBe(0);
    expect(compareStories(sDeal!, sOther!, corpus).score).toBeGreaterThan(compareStories(sDeal!, sTalks!, corpus).score);
    expect(clusterStories(articles(deal, otherDealReport))).toHaveLength(1);
  });

  it('explains a decision term by term: the terms add up to the score', () => {
    const input = articles(heise, ipInsider);
    const corpus = prepareCorpus(input.map((x) => internStory(readStoryText(x.title, x.summary))));
    const comparison = compareStories(corpus.stories[0]!, corpus.stories[1]!, corpus);
    const why = explainComparison(comparison);
    const sum = why.bias + Object.values(why.terms).reduce((s, t) => s + t.adds, 0);
    expect(sum).toBeCloseTo(comparison.score, 9);
    expect(comparison.same).toBe(comparison.score >= why.threshold);
    expect(why.terms.shared.value).toBeGreaterThan(0);
  });

  it('scores a pair for the clusterer as compareStories decides it: its score when the same story, else none', () => {
    // Every teaser of the labelled pairs against every other, at a few distances in time: vetoes, merges and misses.
    const teasers = [...loadPairs(), ...loadPairs('holdout.json')].flatMap((p) => [p.a, p.b]);
    const corpus = prepareCorpus(teasers.map((t) => internStory(readStoryText(t.title, t.summary))));
    let same = 0;
    let vetoed = 0;
    for (const a of corpus.stories) {
      for (const b of corpus.stories) {
        for (const hours of [0, -30, 21]) {
          const full = compareStories(a, b, corpus, hours);
          expect(sameStoryScore(a, b, corpus, hours)).toBe(full.same ? full.score : undefined);
          if (full.same) same++;
          if (full.veto) vetoed++;
        }
      }
    }
    expect(same).toBeGreaterThan(0);
    expect(vetoed).toBeGreaterThan(0);
  });

  it('does not chain: C joins the cluster of A and B only if it is the same story as both', () => {
    // A and B share eight rare words, B and C eight others, A and C none.
    const a = teaser('heise online', 'Quokka Zebrafink Wanderfalke Steinbock', 'Murmeltier Eisvogel Gämse Luchs.', '2026-11-20T08:00:00.000Z');
    const b = teaser(
      'golem.de',
      'Quokka Zebrafink Wanderfalke Steinbock Murmeltier',
      'Eisvogel Gämse Luchs. Brennnessel Löwenzahn Schafgarbe Kamille Holunder Wacholder Salbei Thymian.',
      '2026-11-20T09:00:00.000Z',
    );
    const c = teaser('ComputerBase', 'Brennnessel Löwenzahn Schafgarbe', 'Kamille Holunder Wacholder Salbei Thymian.', '2026-11-20T10:00:00.000Z');
    const input = articles(a, b, c);
    const corpus = prepareCorpus(input.map((x) => internStory(readStoryText(x.title, x.summary))));
    const [sa, sb, sc] = corpus.stories;
    expect(compareStories(sa!, sb!, corpus).same).toBe(true);
    expect(compareStories(sb!, sc!, corpus).same).toBe(true);
    expect(compareStories(sa!, sc!, corpus).same).toBe(false);

    const clusters = clusterStories(input);
    const members = clusters.map((cl) => [cl.lead, ...cl.others].map((x) => x.sources[0]!.name).sort());
    expect(members).toEqual([['golem.de', 'heise online'], ['ComputerBase']]);
  });

  it('majority linkage: D joins A, B and C when it is the same story as two of them and C does not veto it', () => {
    // A and B share two groups of rare words, C only the first, D only the second: C is the same story
    // as A and B, D as A and B but not as C. Complete linkage (every member must agree) kept D apart.
    const first = 'Quokka Zebrafink Wanderfalke Steinbock';
    const firstLead = 'Murmeltier Eisvogel Gämse Luchs.';
    const second = 'Brennnessel Löwenzahn Schafgarbe';
    const secondLead = 'Kamille Holunder Wacholder Salbei Thymian.';
    const a = teaser('heise online', `${first} ${second}`, `${firstLead} ${secondLead}`, '2026-11-20T08:00:00.000Z');
    const b = teaser('golem.de', `${second} ${first}`, `${secondLead} ${firstLead}`, '2026-11-20T09:00:00.000Z');
    const c = teaser('ComputerBase', first, firstLead, '2026-11-20T10:00:00.000Z');
    const d = teaser('t3n', second, secondLead, '2026-11-20T11:00:00.000Z');
    const input = articles(a, b, c, d);
    const corpus = prepareCorpus(input.map((x) => internStory(readStoryText(x.title, x.summary))));
    const [sa, sb, sc, sd] = corpus.stories;
    for (const [x, y] of [[sa, sb], [sa, sc], [sb, sc], [sa, sd], [sb, sd]] as const) expect(compareStories(x!, y!, corpus).same).toBe(true);
    const cd = compareStories(sc!, sd!, corpus);
    expect(cd.same).toBe(false);
    expect(cd.veto).toBeUndefined();

    const clusters = clusterStories(input);
    expect(clusters).toHaveLength(1);
    expect([clusters[0]!.lead, ...clusters[0]!.others].map((x) => x.sources[0]!.name).sort()).toEqual(['ComputerBase', 'golem.de', 'heise online', 't3n']);
  });

  it('majority linkage: a member that vetoes keeps a report out even when the others agree', () => {
    // As above, but C names a version in its title that D contradicts: D stays out.
    const first = 'Quokka Zebrafink Wanderfalke Steinbock';
    const firstLead = 'Murmeltier Eisvogel Gämse Luchs.';
    const second = 'Brennnessel Löwenzahn Schafgarbe';
    const secondLead = 'Kamille Holunder Wacholder Salbei Thymian.';
    const a = teaser('heise online', `${first} ${second}`, `${firstLead} ${secondLead}`, '2026-11-20T08:00:00.000Z');
    const b = teaser('golem.de', `${second} ${first}`, `${secondLead} ${firstLead}`, '2026-11-20T09:00:00.000Z');
    const c = teaser('ComputerBase', `${first} 6.12`, firstLead, '2026-11-20T10:00:00.000Z');
    const d = teaser('t3n', `${second} 6.13`, secondLead, '2026-11-20T11:00:00.000Z');
    const input = articles(a, b, c, d);
    const corpus = prepareCorpus(input.map((x) => internStory(readStoryText(x.title, x.summary))));
    const [, , sc, sd] = corpus.stories;
    expect(compareStories(sc!, sd!, corpus).veto).toBeDefined();
    const clusters = clusterStories(input);
    const members = clusters.map((cl) => [cl.lead, ...cl.others].map((x) => x.sources[0]!.name).sort());
    expect(members.find((m) => m.includes('t3n'))).not.toContain('ComputerBase');
    expect(members.find((m) => m.includes('ComputerBase'))).toEqual(['ComputerBase', 'golem.de', 'heise online']);
  });

  it('does not read a percentage or a date as a version that keeps reports apart', () => {
    const a = teaser(
      'heise online',
      'Hetzner erhöht Preise für Cloud-Server um 20 Prozent',
      'Der Hoster Hetzner verlangt ab dem 1. April mehr für seine Cloud-Server in Falkenstein und Nürnberg. Grund seien gestiegene Strompreise.',
      '2026-11-20T08:00:00.000Z',
    );
    const b = teaser(
      'golem.de',
      'Hetzner: Cloud-Server werden ab 1. April teurer',
      'Hetzner hebt die Preise seiner Cloud-Server in Falkenstein und Nürnberg um 20 Prozent an und nennt die Strompreise als Grund.',
      '2026-11-20T10:00:00.000Z',
    );
    for (const t of [a, b]) expect(readStoryText(t.title, t.summary).ids).toEqual([]);
    expect(clusterStories(articles(a, b))).toHaveLength(1);
  });
});

describe('weightsOverInSlices', () => {
  it('gives the weights of weightsOver, pausing as it counts', async () => {
    const words = ['Kernel', 'Debian', 'Kubernetes', 'Hoster', 'Rechenzentrum', 'Sicherheitslücke', 'Wayland', 'Firefox'];
    const many = Array.from({ length: 700 }, (_, i) =>
      teaser(`Quelle ${i % 7}`, `${words[i % 8]} ${i}: ${words[(i * 3) % 8]} und ${words[(i * 5) % 8]}`, `Meldung ${i % 50} über ${words[(i * 7) % 8]}.`, new Date(Date.UTC(2026, 10, 1, i % 24)).toISOString()),
    );
    const input = articles(...many);
    for (const extra of [0, 3]) {
      let pauses = 0;
      const sliced = await weightsOverInSlices(input, extra, async () => void pauses++);
      const whole = weightsOver(input, extra);
      expect(pauses).toBeGreaterThan(1);
      expect([...sliced.df]).toEqual([...whole.df]);
      expect([...sliced.table()]).toEqual([...whole.table()]);
    }
  });
});
