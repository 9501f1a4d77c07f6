/**
 * The evidence for "same story", as a few numbers a person can read back
 * (story-model.json weighs them; story-similarity decides):
 *
 *  - shared: the weight of the words both items use anywhere in title and
 *    lead — names (kernel.org, Akamai, CrowdStrike), numbers, places, the
 *    event's rare words — each weighted by how rare it is among the articles
 *    being clustered (IDF, story-similarity);
 *  - titleCover: the share of each title's weight the other item mentions
 *    anywhere, the less covered direction — outlets word a story
 *    differently, but they name its subject; when one item is a title alone
 *    (no teaser, no body), its own title's cover, since it cannot name more;
 *  - overlap: the shared weight over the smaller item's weight — how much of
 *    the shorter report the longer one repeats;
 *  - sharedAmounts: amounts with units both name ("61 Milliarden",
 *    "3,3 Milliarden Euro"), at most 2 — figures two reports of one event repeat;
 *  - stageConflict: one names a stage of an affair the other does not
 *    (talks vs deal, plan vs ground-breaking, incident vs hearing; story-stages);
 *  - sharedRare: how many words both use that hardly any other article of
 *    the window has (weight ≥ RARE_WEIGHT), at most RARE_CAP;
 *  - sharedDates: calendar days both name ("29. Oktober"), at most 2 — two
 *    reports of one event date it alike (different days are a veto);
 *  - actorConflict: a title names a company (story-text ACTORS) that the other item
 *    never mentions ("Google baut Rechenzentrum in Singapur" vs "Facebook
 *    investiert in Rechenzentrum in Singapur, nahe Google"): two companies'
 *    events of one kind, in one place;
 *  - mainCover: how much of the names each text is about (those it
 *    repeats, StoryText.mainNames) the other names anywhere in what
 *    is read of it, body included (StoryText.names: "Fastly", "Heartbleed",
 *    "6.0-rc1", "kernel.org"), each weighted like a word (a name no article
 *    of the window has in its lead as the rarest word), the less covered
 *    direction — two reports of one event are about the same
 *    actors; a report that recalls another event names that event's actor
 *    once, while its own is all over it;
 *  - sameWeekday: both date their event by the same weekday ("am Dienstag",
 *    "Montagabend"); different weekdays in title and teaser are a veto.
 *  - repeatConflict: the later report marks a repeat ("erneut", "schon
 *    wieder") that a report at least REPEAT_GAP_HOURS older does not;
 *  - hoursApart: the distance of the two reports' publication in days (at
 *    most 2: beyond the window they are never compared) — the daemon sees it;
 *  - sameActorSameKind / sameActorOtherKind: both name a main actor
 *    (StoryText.actors) and the same kind of event (story-events: outage,
 *    price, acquisition …), or only different kinds.
 *
 * Tried on the tuning data and left out because they added nothing there
 * (session 5, grouped cross-validation of the fitted model): the weight of
 * the names both texts use anywhere, body included, and that weight over the
 * smaller text's names (the fit gave them weights near 0, and found no more
 * pairs with them); the
 * cover of the better covered title, an IDF-weighted cosine, title-to-title
 * overlap, years named by one and not the other, versions and CVE ids both
 * name anywhere (session 4: with it, grouped cross-validation found fewer
 * pairs and merged one different-event pair), compound parts (the first and last eight letters of long words, as
 * extra words or as a feature of their own: grouped cross-validation found
 * fewer pairs with them; tests/dedupe/story-train.ts fits any such set).
 */
import type { PreparedStory, StoryCorpus } from './story-similarity.js';
import { stageConflicts } from './story-stages.js';

export const FEATURE_NAMES = [
  'shared',
  'titleCover',
  'overlap',
  'sharedAmounts',
  'stageConflict',
  'sharedRare',
  'sharedDates',
  'actorConflict',
  'sameWeekday',
  'mainCover',
  'repeatConflict',
  'hoursApart',
  'sameActorSameKind',
  'sameActorOtherKind',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

/** A word this rare (weight 0..1) is in hardly any other article of the window: two of ~200, five of ~3000. */
const RARE_WEIGHT = 0.7;
const RARE_CAP = 5;
/** A repeat marker says "not the earlier event" only against a report at least this much older: not against one of the same day. */
export const REPEAT_GAP_HOURS = 20;
/** hoursApart is read in days, at most the clustering window's two. */
const MAX_DAYS_APART = 2;

export function storyFeatures(a: PreparedStory, b: PreparedStory, corpus: StoryCorpus, hoursLater = 0): number[] {
  const w = corpus.weight;
  const aCover = a.titleWeight > 0 ? sharedWeight(a.titleWords, b.words, w).weight / a.titleWeight : 0;
  const bCover = b.titleWeight > 0 ? sharedWeight(b.titleWords, a.words, w).weight / b.titleWeight : 0;
  // A report that is a title alone cannot name the other's title words beyond its own few: read the cover
  // from its side ("Kernel.org zieht um: Akamai übernimmt Infrastruktur …" vs a full report of the move).
  const cover = titleOnly(a) && !titleOnly(b) ? aCover : titleOnly(b) && !titleOnly(a) ? bCover : Math.min(aCover, bCover);
  const { weight: shared, rare } = sharedWeight(a.words, b.words, w);
  const least = Math.min(a.totalWeight, b.totalWeight);
  const kind = actorKind(a, b, w);
  // A plain array literal: this runs for every candidate pair, and V8 allocates these cheaply.
  return [
    shared,
    cover,
    least > 0 ? shared / least : 0,
    Math.min(2, countShared(a.text.quantities, b.text.quantities)),
    Math.min(1, stageConflicts(a.text.stages, b.text.stages, 'repeat')),
    Math.min(RARE_CAP, rare),
    Math.min(2, countSharedDates(a.text.days, b.text.days)),
    actorConflict(a, b) ? 1 : 0,
    sameWeekday(a.text.days, b.text.days) ? 1 : 0,
    Math.min(mainCover(a, b, w), mainCover(b, a, w)),
    repeatConflict(a, b, hoursLater) ? 1 : 0,
    Math.min(MAX_DAYS_APART, Math.abs(hoursLater) / 24),
    kind[0],
    kind[1],
  ];
}

/** The item has no words beyond its title (a feed that gives titles only). */
function titleOnly(x: PreparedStory): boolean {
  return x.words.length === x.titleWords.length;
}

/**
 * The later report marks a repeat ("erneut", "schon wieder") that the earlier one, at least
 * REPEAT_GAP_HOURS older, does not: the later reports a second event. Reports of one day of which
 * one writes "erneut" are reports of the same repeat; an earlier report's marker says nothing.
 */
function repeatConflict(a: PreparedStory, b: PreparedStory, hoursLater: number): boolean {
  if (Math.abs(hoursLater) < REPEAT_GAP_HOURS) return false;
  const [later, earlier] = hoursLater > 0 ? [a, b] : [b, a];
  return later.text.stages.includes('repeat') && !earlier.text.stages.includes('repeat');
}

const SAME_KIND: [number, number] = [1, 0];
const OTHER_KIND: [number, number] = [0, 1];
const NO_KIND: [number, number] = [0, 0];

/**
 * [sameActorSameKind, sameActorOtherKind]: both name a main actor in common (StoryText.actors) and
 * a kind of event in common (story-events), or only different kinds.
 */
function actorKind(a: PreparedStory, b: PreparedStory, w: Float64Array): [number, number] {
  const x = a.text.kinds;
  const y = b.text.kinds;
  if (x.length === 0 || y.length === 0 || !sharesActor(a.actors, b.actors, w)) return NO_KIND;
  for (const k of x) if (y.includes(k)) return SAME_KIND;
  return OTHER_KIND;
}

/**
 * An actor weighs at least this much (word weight 0..1) to count: "Cloudflare", "Meta" or "Hetzner",
 * not "Linux", "Kernel" or "Webseite", which most reports of a Linux news window name (0.2 and
 * 0.35 left the term at weight 0 in the fit of session 7; 0.5 gave sameActorOtherKind its weight).
 */
const ACTOR_WEIGHT = 0.5;

/** Whether two sorted id lists share an actor of weight ACTOR_WEIGHT or more. */
function sharesActor(x: Int32Array, y: Int32Array, w: Float64Array): boolean {
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    if (x[i] === y[j] && weightOfName(w, x[i]!) >= ACTOR_WEIGHT) return true;
    if (x[i] === y[j]) {
      i++;
      j++;
      continue;
    }
    if (x[i]! < y[j]!) i++;
    else j++;
  }
  return false;
}

/** A name's weight: a word's, or, for a name no article of the window has in its lead, the largest (1). */
function weightOfName(w: Float64Array, id: number): number {
  const x = w[id];
  return x === undefined || x === 0 ? 1 : x;
}

/** The share of x's main-name weight that y names anywhere (1 when x has none). */
function mainCover(x: PreparedStory, y: PreparedStory, w: Float64Array): number {
  let all = 0;
  let covered = 0;
  for (const id of x.mainNames) {
    const weight = weightOfName(w, id);
    all += weight;
    if (hasId(y.names, id) || hasId(y.words, id)) covered += weight;
  }
  return all > 0 ? covered / all : 1;
}

/** Both name a weekday, and one in common. */
function sameWeekday(x: readonly string[], y: readonly string[]): boolean {
  for (const d of x) if (d.startsWith('weekday:') && y.includes(d)) return true;
  return false;
}

/** A title names a company (StoryText.titleActors) the other item never mentions. Runs for every candidate pair: ids are sorted. */
function actorConflict(a: PreparedStory, b: PreparedStory): boolean {
  for (const id of a.titleActors) if (!hasId(b.words, id)) return true;
  for (const id of b.titleActors) if (!hasId(a.words, id)) return true;
  return false;
}

/** Whether a sorted id list holds `id` (binary search). */
export function hasId(sorted: Int32Array, id: number): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < id) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo] === id;
}

const result = { weight: 0, rare: 0 };

/** Weight of the ids in both sorted arrays, and how many of them are rare. Returns a shared object: read it at once. */
function sharedWeight(x: Int32Array, y: Int32Array, w: Float64Array): { weight: number; rare: number } {
  let sum = 0;
  let rare = 0;
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const a = x[i]!;
    const b = y[j]!;
    if (a === b) {
      const wa = w[a]!;
      sum += wa;
      if (wa >= RARE_WEIGHT) rare++;
      i++;
      j++;
    } else if (a < b) i++;
    else j++;
  }
  result.weight = sum;
  result.rare = rare;
  return result;
}

function countShared(x: readonly string[], y: readonly string[]): number {
  let n = 0;
  for (const q of x) if (y.includes(q)) n++;
  return n;
}

function countSharedDates(x: readonly string[], y: readonly string[]): number {
  let n = 0;
  for (const d of x) if (d.startsWith('date:') && y.includes(d)) n++;
  return n;
}

