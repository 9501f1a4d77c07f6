/**
 * The kinds of event a news item reports (outage, attack, price change, data
 * centre, acquisition, agreement, vulnerability, release, legal steps,
 * quarterly figures), read from its
 * title and teaser with the vocabulary of story-events.json. A person merges
 * two reports that name one main actor and one kind of event within a day or
 * two ("Cloudflare down" / "Cloudflare-Störung legt Websites lahm"), and keeps
 * apart the same actor's different kinds (an outage and a price rise the same
 * week): story-features' sameActorSameKind and sameActorOtherKind.
 */
import { WordValues } from '../text/word-values.js';
import shipped from './story-events.json' with { type: 'json' };

interface Marker {
  kind: string;
  text: string;
  match: 'prefix' | 'word' | 'inside' | 'phrase';
}

const MARKERS: Marker[] = Object.entries((shipped as { kinds: Record<string, string[]> }).kinds).flatMap(([kind, list]) =>
  list.map((m): Marker => {
    if (m.includes(' ')) return { kind, text: ` ${m} `, match: 'phrase' };
    if (m.endsWith('$')) return { kind, text: m.slice(0, -1), match: 'word' };
    if (m.startsWith('*')) return { kind, text: m.slice(1), match: 'inside' };
    return { kind, text: m, match: 'prefix' };
  }),
);
const WORDLIKE = MARKERS.filter((m) => m.match === 'prefix' || m.match === 'word');
const INSIDE = MARKERS.filter((m) => m.match === 'inside');
const PHRASES = MARKERS.filter((m) => m.match === 'phrase');
const NOT_KINDS = (shipped as { notKinds?: string[] }).notKinds ?? [];

/** Whether a folded word names some kind of event: such words are not actors (StoryText.actors). */
export function namesAKind(word: string): boolean {
  return kindsOfWord(word).length > 0;
}

/**
 * The kinds a folded word names, in the order the markers find them (repeats kept), remembered per
 * word: every token of every title and teaser is asked, against ~90 markers, and most words recur
 * (a cold start after `poll` reads ~2,500 texts; this was ~10 % of their CPU, session 13).
 */
const wordKinds = new WordValues<readonly string[]>();
const NONE: readonly string[] = Object.freeze([]);

function kindsOfWord(word: string): readonly string[] {
  const known = wordKinds.get(word);
  if (known !== undefined) return known;
  return wordKinds.remember(word, findKinds(word));
}

function findKinds(word: string): readonly string[] {
  if (NOT_KINDS.some((n) => word.includes(n))) return NONE;
  let found: string[] | undefined;
  // "cloudflare-ausfall": each part of a hyphenated compound is a word of its own.
  const parts = word.includes('-') ? [word, ...word.split('-')] : [word];
  for (const part of parts) {
    if (!part) continue;
    for (const m of WORDLIKE) if (m.match === 'word' ? part === m.text : part.startsWith(m.text)) (found ??= []).push(m.kind);
    for (const m of INSIDE) if (part.includes(m.text)) (found ??= []).push(m.kind);
  }
  return found ?? NONE;
}

/** The kinds of event the folded words of a title and teaser name, sorted. */
export function readKinds(foldedWords: readonly string[]): string[] {
  const kinds = new Set<string>();
  for (const word of foldedWords) for (const k of kindsOfWord(word)) kinds.add(k);
  if (PHRASES.length > 0) {
    const text = ` ${foldedWords.join(' ')} `;
    for (const m of PHRASES) if (text.includes(m.text)) kinds.add(m.kind);
  }
  return [...kinds].sort();
}
