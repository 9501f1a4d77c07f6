import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { compileRules, type Classifier } from '../../src/classify/classifier.js';
import { TermIndex } from '../../src/classify/matcher.js';
import { addFeatures, describeContribution, featuresOf, isFeatureWord, probabilityOf, score, SHIPPED_MODEL } from '../../src/classify/model.js';
import { seededRandom } from '../../src/classify/news-set.js';
import { parseTerm, type ParsedTerm, type TermVariant } from '../../src/classify/term.js';
import { tokenize } from '../../src/classify/tokenize.js';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { ENDINGS } from '../../src/text/endings.js';
import { foldText } from '../../src/text/fold.js';
import { stripHtml } from '../../src/text/strip-html.js';

/**
 * The classifier reads each word once (a memo per distinct word, one-part terms decided there, phrases
 * followed from their first word, the model's features gathered on the way). Here its hits and features
 * are compared with a plain reading of the same rules over thousands of generated texts (fixed seed):
 * words by a regex split, every term variant tried at every word, features by string concatenation.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let topics: Config['topics'];
beforeEach(() => {
  topics = loadConfig({ configPath: path.join(ROOT, 'config', 'feedkurator.yaml'), env: {} }).topics;
});

// Terms of every kind term.ts knows, beside the default rules: phrases (loose and exact separators), numbers,
// stars at either end, exact words, compounds written with a hyphen, short first parts, weights.
const EXTRA_TERMS = [
  'linux #.#.#', 'open source', 'kernel-modul*', 'node.js', 'c++ compiler', '# kerne', 'gpl ^0.3', '=ki', 'ki*', '*os', 'rust-code',
  'linux kernel', 'cloud/hosting', 'in der cloud', 'v #', '#', 'ab', '=xy', "ted ts'o", 'docker compose', '*hoster', 'ci/cd*',
];

/** Words the rules and the model know, with endings, joined into compounds, and filler: random texts hit often. */
function vocabulary(terms: readonly ParsedTerm[]): string[] {
  const words = new Set<string>(['Über', 'Straße', 'größer', 'die', 'im', 'a', 'x', 'b', '6', '12', '2024', 'Café', 'é', 'ns', 'Linux', 'Kernel']);
  for (const t of terms) for (const v of t.variants) for (const p of v.parts) if (p !== '#') words.add(p);
  for (const w of Object.keys(SHIPPED_MODEL.topics.kernel!.weights).slice(0, 300)) words.add(w);
  const base = [...words];
  for (const w of base.slice(0, 200)) {
    for (const e of ENDINGS) words.add(w + e);
    words.add(`web${w}`);
    words.add(`${w}entwickler`);
    words.add(w.slice(0, Math.max(1, w.length - 2)));
    words.add(w.toUpperCase());
  }
  return [...words];
}

const SEPARATORS = [' ', ' ', ' ', ' ', '-', '-', '_', '/', ', ', '. ', ' – ', "'", '--', '.', ' - ', '+', '++ ', '-_', '„', '“ '];

function generateText(random: () => number, words: readonly string[]): string {
  const n = 1 + Math.floor(random() * 25);
  let text = random() < 0.15 ? SEPARATORS[Math.floor(random() * SEPARATORS.length)]! : '';
  for (let i = 0; i < n; i++) {
    text += words[Math.floor(random() * words.length)]!;
    if (i < n - 1 || random() < 0.2) text += SEPARATORS[Math.floor(random() * SEPARATORS.length)]!;
  }
  return text;
}

/** Words and separators of a folded text, the plain way: word, separator, word, … (a word may be '' at either end). */
function plainPieces(folded: string): string[] {
  return folded.split(/([^a-z0-9]+)/);
}

const ENDING_SET = new Set<string>(ENDINGS);
const LOOSE = /^[\s\-\u2010-\u2015/]+$/;

function partMatches(word: string, part: string, v: TermVariant, k: number): boolean {
  if (part === '#') return /^[0-9]+$/.test(word);
  const first = k === 0;
  const last = k === v.parts.length - 1;
  if (!last) return first && v.leadingStar ? word.endsWith(part) : word === part;
  const anyBefore = first && v.leadingStar;
  if (v.trailingStar) return anyBefore ? word.includes(part) : word.startsWith(part);
  const at = anyBefore ? word.lastIndexOf(part) : word.startsWith(part) ? 0 : -1;
  if (at < 0) return false;
  const rest = word.slice(at + part.length);
  return rest === '' || (!v.exact && ENDING_SET.has(rest));
}

/** Every hit of every variant at every word, as "term@first-last" in word positions of non-empty words. */
function plainHits(terms: readonly ParsedTerm[], folded: string): string[] {
  const pieces = plainPieces(folded);
  const words: string[] = [];
  const seps: string[] = [];
  pieces.forEach((p, i) => {
    if (i % 2 === 0 && p !== '') {
      words.push(p);
      seps.push(pieces[i + 1] ?? '');
    }
  });
  const shortParts = new Set<string>();
  let shortStar = false;
  let numeric = false;
  for (const t of terms) {
    for (const v of t.variants) {
      const p = v.parts[0]!;
      if (p === '#') numeric = true;
      else if (p.length < 3) {
        shortParts.add(p);
        if (v.leadingStar || v.trailingStar) shortStar = true;
      }
    }
  }
  const hits: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    // The index's documented shortcut: a word under three letters only starts a term it is the whole first part of.
    if (w.length < 3 && !shortStar && !shortParts.has(w) && !(numeric && /^[0-9]/.test(w))) continue;
    for (const t of terms) {
      for (const v of t.variants) {
        if (i + v.parts.length > words.length) continue;
        let ok = true;
        for (let k = 0; ok && k < v.parts.length; k++) {
          ok = partMatches(words[i + k]!, v.parts[k]!, v, k);
          if (ok && k > 0) {
            const sep = v.seps[k - 1]!;
            const between = seps[i + k - 1]!;
            ok = sep.kind === 'exact' ? between === sep.text : LOOSE.test(between);
          }
        }
        if (ok) hits.push(`${t.raw}@${i}-${i + v.parts.length - 1}`);
      }
    }
  }
  return hits.sort();
}

/** featuresOf's rule, written out with strings: words, and runs joined by single hyphens or underscores. */
function plainFeatures(folded: string, out: Set<string>, only?: ReadonlySet<string>): void {
  const pieces = plainPieces(folded);
  let compound: string[] = [];
  const take = (f: string): void => {
    if ((!only || only.has(f)) && isFeatureWord(f)) out.add(f);
  };
  for (let i = 0; i < pieces.length; i += 2) {
    const w = pieces[i]!;
    if (w === '') continue;
    take(w);
    compound.push(w);
    const sep = pieces[i + 1] ?? '';
    if (sep === '-' || sep === '_') compound.push(sep);
    else {
      if (compound.length > 1) take(compound.join(''));
      compound = [];
    }
  }
}

function allTerms(rules: Config['topics']): ParsedTerm[] {
  return Object.values(rules).flatMap((r) => [
    ...r.include.map((t) => parseTerm(t)),
    ...(r.exclude ?? []).map((t) => parseTerm(t, { allowVeto: true })),
    ...Object.values(r.homonyms ?? {}).flat().map((t) => parseTerm(t)),
  ]);
}

describe('the term index against a plain reading of the rules', () => {
  it('finds the same hits in generated texts, under the default rules and with every kind of term added', () => {
    const defaults = allTerms(topics);
    const extra = EXTRA_TERMS.map((t) => parseTerm(t));
    // The index skips short words unless a term could start there: each set takes another way through that shortcut.
    const sets = [defaults, [...defaults, ...extra], [...defaults, ...extra.filter((t) => t.raw !== 'ki*')], ['#', '# kerne', 'kernel', 'ab'].map((t) => parseTerm(t)), ['v #', 'x', 'kernel'].map((t) => parseTerm(t))];
    let hits = 0;
    sets.forEach((terms, s) => {
      const index = new TermIndex(terms.map((term, i) => ({ topic: 0, index: i, kind: 'include' as const, term })));
      const random = seededRandom(13 + s);
      const words = vocabulary([...terms, ...extra]);
      for (let n = 0; n < 700; n++) {
        const folded = foldText(generateText(random, words));
        const got = index.findHits(tokenize(folded)).map((h) => `${h.term.term.raw}@${h.first}-${h.last}`).sort();
        expect(got, folded).toEqual(plainHits(terms, folded));
        hits += got.length;
      }
    });
    expect(hits).toBeGreaterThan(4000);
  });

  it('reads the same model features, in the same order, with and without a vocabulary', () => {
    const only = new Set(Object.keys(SHIPPED_MODEL.topics.kernel!.weights));
    const random = seededRandom(14);
    const words = vocabulary(allTerms(topics));
    for (let n = 0; n < 2000; n++) {
      const folded = foldText(generateText(random, words));
      for (const limit of [undefined, only]) {
        const got = new Set<string>();
        addFeatures(tokenize(folded), got, limit);
        const want = new Set<string>();
        plainFeatures(folded, want, limit);
        expect([...got], folded).toEqual([...want]);
      }
    }
  });
});

describe('the classifier against its parts', () => {
  it('keeps a rules match exactly when the model does not veto it on featuresOf(text), and explains a veto the same way', () => {
    const withModel: Classifier = compileRules(topics);
    const rulesOnly = compileRules(Object.fromEntries(Object.entries(topics).map(([name, r]) => [name, { ...r, model: undefined }])));
    const random = seededRandom(15);
    const words = vocabulary(allTerms(topics));
    let vetoes = 0;
    for (let n = 0; n < 2000; n++) {
      const text = { title: generateText(random, words), summary: generateText(random, words), content: `<p>${generateText(random, words)}</p>` };
      const rules = rulesOnly.classify(text);
      const features = featuresOf(text);
      const want = { topics: [...rules.topics], excluded: { ...rules.excluded } };
      for (const name of rules.topics) {
        const model = topics[name]!.model ? SHIPPED_MODEL.topics[topics[name]!.model!] : undefined;
        if (!model || probabilityOf(model, features) >= model.drop) continue;
        vetoes++;
        want.topics = want.topics.filter((t) => t !== name);
        want.excluded[name] = [...(want.excluded[name] ?? []), describeContribution(score(model, features))];
      }
      const got = withModel.classify(text);
      expect({ topics: got.topics, excluded: got.excluded }, JSON.stringify(text)).toEqual(want);
      expect(got.matches).toEqual(Object.fromEntries(Object.entries(rules.matches).filter(([t]) => want.topics.includes(t))));
      // The text as the classifier reads it (stripHtml) gives featuresOf its words.
      expect(featuresOf(text)).toEqual(featuresOf({ title: text.title, summary: text.summary, content: stripHtml(text.content) }));
    }
    expect(vetoes).toBeGreaterThan(20);
  });
});
