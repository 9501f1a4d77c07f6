/**
 * The stage of an event a news item reports. Outlets report one affair in
 * stages — talks or rumours, then the deal; the plan, then the ground-breaking
 * or the opening; the incident, then the hearing, the lawsuit or the fine —
 * and each stage is a story of its own with the same actors and most of the
 * same words. A person tells them apart by a few words that name the stage;
 * this reads them from the title and the teaser (the body recalls earlier
 * stages: "nach monatelangen Verhandlungen").
 *
 * Two items of which exactly one names a stage are likely two stages
 * (story-features: stageConflict). The lists are generic German news
 * vocabulary, matched as word prefixes on folded words; "gericht$" only as
 * the whole word ("gerichtet" is no court), "*ausschuss" anywhere in a
 * compound ("Heimatschutzausschuss").
 */
import { WordValues } from '../text/word-values.js';

const STAGES: Record<string, readonly string[]> = {
  // Not yet happened: talks, rumours, insiders, plans under consideration.
  talks: ['kreise', 'insider', 'geruecht', 'verhandl', 'gespraech', 'erwaeg', 'spekul', 'sondier', 'medienbericht', 'plant$'],
  // Building has begun or finished.
  construction: ['spatenstich', 'grundstein', 'baugenehmigung', 'baubeginn', 'baustart', 'richtfest', 'eroeffn', 'inbetriebnahme', 'betrieb$', 'eingeweiht', 'einweih'],
  // Consequences of an earlier event: hearings, lawsuits, fines, investigations.
  aftermath: ['anhoerung', '*ausschuss', 'klage', 'verklagt', 'sammelklage', 'gericht$', 'gerichts', 'bussgeld', 'strafe', 'ermittl', '*untersuchung', 'vorgeladen'],
  // The same kind of event again: a second outage, another leak (and REPEAT_PHRASES).
  repeat: ['erneut', 'abermals'],
};

/**
 * Phrases by which an item looks back at an earlier step of its affair
 * ("Zwei Wochen ist es her, da …", "Drei Monate später ist es so weit",
 * "hatte bereits im Mai angekündigt"): the item itself reports a later one.
 * Matched on the folded words of title and teaser joined by spaces.
 */
const RECAP_PHRASES = ['ist es her', 'sind es her', 'tage spaeter', 'wochen spaeter', 'monate spaeter', 'jahre spaeter', 'hatte bereits', 'bereits im vergangenen', 'bereits vor'];

/** Phrases that mark a second occurrence, like "erneut": "schon wieder", "zum zweiten Mal". */
const REPEAT_PHRASES = ['schon wieder', 'wieder einmal', 'zum zweiten mal', 'ein zweites mal', 'zum wiederholten mal'];

interface Marker {
  stage: string;
  text: string;
  kind: 'prefix' | 'word' | 'inside';
}
const MARKERS: Marker[] = Object.entries(STAGES).flatMap(([stage, list]) =>
  list.map((m): Marker => {
    if (m.endsWith('$')) return { stage, text: m.slice(0, -1), kind: 'word' };
    if (m.startsWith('*')) return { stage, text: m.slice(1), kind: 'inside' };
    return { stage, text: m, kind: 'prefix' };
  }),
);
// This runs for every word of every title and teaser: look up by the first two letters.
const BY_START = new Map<string, Marker[]>();
for (const m of MARKERS.filter((x) => x.kind !== 'inside')) {
  const key = m.text.slice(0, 2);
  BY_START.set(key, [...(BY_START.get(key) ?? []), m]);
}
const INSIDE = MARKERS.filter((x) => x.kind === 'inside');
const SHORTEST_INSIDE = Math.min(...INSIDE.map((m) => m.text.length));

/** The stages the folded words of a title and teaser name, sorted. */
export function readStages(foldedWords: readonly string[]): string[] {
  const found: string[] = [];
  const add = (stage: string) => {
    if (!found.includes(stage)) found.push(stage);
  };
  for (const word of foldedWords) for (const stage of stagesOfWord(word)) add(stage);
  const text = ` ${foldedWords.join(' ')} `;
  if (RECAP_PHRASES.some((p) => text.includes(` ${p} `))) add('recap');
  if (REPEAT_PHRASES.some((p) => text.includes(` ${p} `))) add('repeat');
  return found.sort();
}

/**
 * The stages a folded word names (repeats kept), remembered per word: every word of every title and
 * teaser is asked, and most recur (a cold start after `poll` reads ~2,400 of them).
 */
const wordStages = new WordValues<readonly string[]>();
const NO_STAGES: readonly string[] = Object.freeze([]);

function stagesOfWord(word: string): readonly string[] {
  const known = wordStages.get(word);
  if (known !== undefined) return known;
  let found: string[] | undefined;
  for (const m of BY_START.get(word.slice(0, 2)) ?? []) {
    if (m.kind === 'word' ? word === m.text : word.startsWith(m.text)) (found ??= []).push(m.stage);
  }
  if (word.length >= SHORTEST_INSIDE) for (const m of INSIDE) if (word.includes(m.text)) (found ??= []).push(m.stage);
  return wordStages.remember(word, found ?? NO_STAGES);
}

/**
 * One item names a stage the other does not: the count of such stages, `except` one (the repeat
 * stage is a term of its own, repeatConflict: of the reports of one second outage some write
 * "erneut" and some do not, so it is weaker evidence than talks vs deal).
 */
export function stageConflicts(a: readonly string[], b: readonly string[], except?: string): number {
  let n = 0;
  for (const s of a) if (s !== except && !b.includes(s)) n++;
  for (const s of b) if (s !== except && !a.includes(s)) n++;
  return n;
}
