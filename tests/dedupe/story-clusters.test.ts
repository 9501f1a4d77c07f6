import { describe, expect, it } from 'vitest';
import { clusterStories } from '../../src/dedupe/story-clusters.js';
import type { StoredArticle } from '../../src/types.js';
import { evaluatePairs, loadPairs, toArticle, type Evaluation, type TeaserFixture } from './story-pairs.js';

/**
 * Measured on tests/fixtures/same-story/pairs.json (36 same, 32 different, used for tuning):
 * precision 1.0, recall 19/36; on holdout.json (6 + 6, written after tuning): precision 1.0, recall 5/6.
 */
const PRECISION_FLOOR = 1;
const RECALL_FLOOR = 0.52;
const HOLDOUT_RECALL_FLOOR = 0.8;

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
  'Akamai hostet jetzt kernel.org',
  'Der CDN-Anbieter Akamai stellt Server und Bandbreite für kernel.org. Die Linux Kernel Organization will so die Verfügbarkeit steigern.',
  '2026-11-20T13:00:00.000Z',
);

function articles(...teasers: TeaserFixture[]): StoredArticle[] {
  return teasers.map((t, i) => toArticle(t, `test:${i}`));
}

describe('clusterStories on the labelled pairs', () => {
  it(`merges no different stories (precision ${PRECISION_FLOOR}) and finds at least ${RECALL_FLOOR} of the same ones`, () => {
    const result = evaluatePairs(loadPairs());
    report('tuning set', result);
    expect(result.wrongMerges).toEqual([]);
    expect(result.precision).toBeGreaterThanOrEqual(PRECISION_FLOOR);
    expect(result.recall).toBeGreaterThanOrEqual(RECALL_FLOOR);
  });

  it('holds on the held-out pairs written after tuning', () => {
    const result = evaluatePairs(loadPairs('holdout.json'));
    report('held-out set', result);
    expect(result.wrongMerges).toEqual([]);
    expect(result.recall).toBeGreaterThanOrEqual(HOLDOUT_RECALL_FLOOR);
  });

  it('labels its set as the brief asks: at least 60 pairs, both kinds', () => {
    const pairs = loadPairs();
    expect(pairs.length).toBeGreaterThanOrEqual(60);
    expect(pairs.filter((p) => p.label === 'same').length).toBeGreaterThanOrEqual(30);
    expect(pairs.filter((p) => p.label === 'different').length).toBeGreaterThanOrEqual(30);
  });
});

function report(name: string, r: Evaluation): void {
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
    const followUp = { ...ipInsider, source: 'heise online' };
    expect(clusterStories(articles(heise, followUp))).toHaveLength(2);
  });

  it('never joins an article that several sources carried with one of those sources', () => {
    const [a, b] = articles(heise, ipInsider);
    a!.sources.push({ name: 'ip-insider.de', firstSeen: a!.firstSeen });
    expect(clusterStories([a!, b!])).toHaveLength(2);
  });

  it('only joins reports within 48 hours', () => {
    const late = { ...ipInsider, published: '2026-11-22T09:00:00.000Z' };
    expect(clusterStories(articles(heise, late))).toHaveLength(2);
    const inTime = { ...ipInsider, published: '2026-11-22T07:00:00.000Z' };
    expect(clusterStories(articles(heise, inTime))).toHaveLength(1);
  });

  it('keeps different versions apart even when the teasers are otherwise identical', () => {
    const a = teaser('heise online', 'Linux 6.12 freigegeben', 'Torvalds hat den neuen Kernel mit Echtzeit-Support freigegeben.', '2026-11-20T08:00:00.000Z');
    const b = teaser('golem.de', 'Linux 6.13 freigegeben', 'Torvalds hat den neuen Kernel mit Echtzeit-Support freigegeben.', '2026-11-20T09:00:00.000Z');
    expect(clusterStories(articles(a, b))).toHaveLength(2);
  });

  it('does not chain: C joins A and B only if it is the same story as both', () => {
    const a = teaser('heise online', 'Hetzner erhöht Preise für Cloud-Server', 'Der Hoster Hetzner hebt die Preise seiner Cloud-Server in Deutschland an.', '2026-11-20T08:00:00.000Z');
    const b = teaser('golem.de', 'Hetzner Cloud-Server werden teurer', 'Hetzner hebt die Preise für Cloud-Server an, auch in Singapur.', '2026-11-20T09:00:00.000Z');
    const c = teaser('ComputerBase', 'Hetzner eröffnet Cloud-Standort in Singapur', 'Hetzner bietet Cloud-Server jetzt auch in Singapur an.', '2026-11-20T10:00:00.000Z');
    const clusters = clusterStories(articles(a, b, c));
    const withC = clusters.find((cl) => [cl.lead, ...cl.others].some((x) => x.sources[0]!.name === 'ComputerBase'))!;
    const members = [withC.lead, ...withC.others].map((x) => x.sources[0]!.name);
    expect(members.includes('heise online') && members.includes('ComputerBase')).toBe(false);
  });

  it('handles 20,000 articles over 60 days (speed is measured in the benchmark)', () => {
    const pairs = loadPairs();
    const big: StoredArticle[] = [];
    const start = Date.parse('2026-09-01T00:00:00.000Z');
    for (let i = 0; i < 20_000; i++) {
      const p = pairs[i % pairs.length]!;
      const t = i % 2 === 0 ? p.a : p.b;
      const when = new Date(start + Math.floor(i / 2) * 518_400).toISOString(); // ~333 per day
      big.push(toArticle({ ...t, published: when, title: `${t.title} (${Math.floor(i / pairs.length / 2)})` }, `big:${i}`));
    }
    const clusters = clusterStories(big);
    expect(clusters.reduce((n, c) => n + 1 + c.others.length, 0)).toBe(20_000);
  });
});
