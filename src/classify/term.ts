import { foldText } from '../text/fold.js';
import { ENDINGS } from '../text/endings.js';
import type { Tokens } from './tokenize.js';

/**
 * The rule syntax an editor writes (documented in the README, section
 * "Topic rules"):
 *
 *   kernel        the word, alone or as a hyphenated part, with German
 *                 inflection endings: Kernel, Kernels, Linux-Kernel, Kernel-Maintainer
 *   kernel*       a word part that starts with it: Kernelentwickler, Kernelmodule
 *   *hoster       a word part that ends with it (plus endings): Webhoster, Webhostern
 *   *container*   anywhere inside a word part
 *   =k8s          exactly this word part, no endings
 *   rust for linux  a phrase: spaces match spaces, hyphens or slashes
 *   jupyter-kernel  a hyphen also matches a space or nothing (Jupyterkernel)
 *   linux #.#     # stands for any number: Linux 6.12
 *   scheduler ^0.5  a weight (default 1), compared with the topic's minScore
 */

const ENDING_SET: ReadonlySet<string> = new Set(ENDINGS);

export type Separator = { kind: 'loose' } | { kind: 'exact'; text: string };

/** One way a term can appear; `jupyter-kernel` has two (two parts, or joined). */
export interface TermVariant {
  parts: string[];
  /** seps[i] lies between parts[i] and parts[i+1]. */
  seps: Separator[];
  leadingStar: boolean;
  trailingStar: boolean;
  exact: boolean;
}

export interface ParsedTerm {
  /** As written in the config, for explanations. */
  raw: string;
  weight: number;
  /** `!term` in an exclude list: vetoes the topic wherever it occurs. */
  veto: boolean;
  variants: TermVariant[];
}

export class TermSyntaxError extends Error {}

const WEIGHT_RE = /\s+\^\s*([0-9]+(?:\.[0-9]+)?)$/;
const PART_RE = /[a-z0-9]+|#/g;
const LOOSE_SEP_RE = /^[\s\-\u2010-\u2015/]+$/;
const NUMBER_RE = /^[0-9]+$/;

/** Parse one include or exclude entry; throws TermSyntaxError with a message for the editor. */
export function parseTerm(written: string, options: { allowVeto?: boolean } = {}): ParsedTerm {
  const raw = written.trim();
  let body = raw;
  let weight = 1;
  const w = WEIGHT_RE.exec(body);
  if (w) {
    weight = Number(w[1]);
    if (!(weight > 0)) throw new TermSyntaxError(`weight must be greater than 0 in "${raw}"`);
    body = body.slice(0, w.index);
  } else if (body.includes('^')) {
    throw new TermSyntaxError(`"${raw}": write a weight as "term ^0.5" (space, caret, number) at the end`);
  }
  let veto = false;
  if (body.startsWith('!')) {
    if (!options.allowVeto) throw new TermSyntaxError(`"${raw}": "!" (veto the whole topic) is only allowed in exclude`);
    veto = true;
    body = body.slice(1);
  }
  let exact = false;
  if (body.startsWith('=')) {
    exact = true;
    body = body.slice(1);
  }
  const leadingStar = body.startsWith('*');
  const trailingStar = body.length > 1 && body.endsWith('*');
  if (leadingStar) body = body.slice(1);
  if (trailingStar) body = body.slice(0, -1);
  if (exact && (leadingStar || trailingStar)) {
    throw new TermSyntaxError(`"${raw}": "=" (exact word) cannot be combined with "*"`);
  }
  if (body.includes('*')) throw new TermSyntaxError(`"${raw}": "*" is only allowed at the start or end of a term`);

  const folded = foldText(body.trim());
  const parts: string[] = [];
  const seps: Separator[] = [];
  const rawSeps: string[] = [];
  let last = 0;
  PART_RE.lastIndex = 0;
  for (let m = PART_RE.exec(folded); m !== null; m = PART_RE.exec(folded)) {
    const between = folded.slice(last, m.index);
    if (parts.length === 0) {
      if (between.trim() !== '') throw new TermSyntaxError(`"${raw}" starts with "${between.trim()}"; a term starts with a letter or digit`);
    } else {
      if (between === '') throw new TermSyntaxError(`"${raw}": "#" must stand alone as a word part`);
      seps.push(LOOSE_SEP_RE.test(between) ? { kind: 'loose' } : { kind: 'exact', text: between });
      rawSeps.push(between);
    }
    parts.push(m[0]);
    last = m.index + m[0].length;
  }
  if (parts.length === 0) throw new TermSyntaxError(`"${raw}" has no letters or digits`);
  if (folded.slice(last).trim() !== '') {
    throw new TermSyntaxError(`"${raw}" ends with "${folded.slice(last).trim()}"; a term ends with a letter, digit or "*"`);
  }
  if ((leadingStar && parts[0] === '#') || (trailingStar && parts[parts.length - 1] === '#')) {
    throw new TermSyntaxError(`"${raw}": "*" next to "#" means nothing`);
  }

  const variants: TermVariant[] = [{ parts, seps, leadingStar, trailingStar, exact }];
  // German writes compounds with or without a hyphen: Container-Schiff, Containerschiff.
  if (parts.length > 1 && !parts.includes('#') && rawSeps.every((s) => /^-+$/.test(s))) {
    variants.push({ parts: [parts.join('')], seps: [], leadingStar, trailingStar, exact });
  }
  return { raw, weight, veto, variants };
}

function isNumber(word: string): boolean {
  return NUMBER_RE.test(word);
}

/** Does `word` (a token) match the last part `part` under the variant's flags? Also used for single-part terms. */
function matchesLastPart(word: string, part: string, v: TermVariant, isFirst: boolean): boolean {
  if (part === '#') return isNumber(word);
  const anyBefore = isFirst && v.leadingStar;
  if (v.trailingStar) return anyBefore ? word.includes(part) : word.startsWith(part);
  let at: number;
  if (anyBefore) {
    at = word.lastIndexOf(part);
    if (at < 0) return false;
  } else {
    if (!word.startsWith(part)) return false;
    at = 0;
  }
  const rest = word.length - at - part.length;
  if (rest === 0) return true;
  if (v.exact) return false;
  if (anyBefore) {
    // lastIndexOf finds the rightmost occurrence; an ending must follow it.
    return ENDING_SET.has(word.slice(at + part.length));
  }
  return ENDING_SET.has(word.slice(part.length));
}

function matchesFirstPart(word: string, part: string, v: TermVariant): boolean {
  if (part === '#') return isNumber(word);
  return v.leadingStar ? word.endsWith(part) : word === part;
}

function separatorFits(sep: Separator, between: string): boolean {
  if (sep.kind === 'exact') return between === sep.text;
  return between.length > 0 && LOOSE_SEP_RE.test(between);
}

/** Does the variant's first part match this word (for a one-part variant: the whole variant)? Depends on the word alone. */
export function firstWordMatches(v: TermVariant, word: string): boolean {
  return v.parts.length === 1 ? matchesLastPart(word, v.parts[0]!, v, true) : matchesFirstPart(word, v.parts[0]!, v);
}

/** For a variant whose first part matches word i (firstWordMatches): the index of its last word if the rest follows, else -1. */
export function matchRestAt(v: TermVariant, tokens: Tokens, i: number): number {
  const { parts, seps } = v;
  const n = parts.length;
  if (i + n > tokens.count) return -1;
  for (let k = 1; k < n; k++) {
    const j = i + k;
    const word = tokens.word(j);
    const part = parts[k]!;
    const ok = k === n - 1 ? matchesLastPart(word, part, v, false) : part === '#' ? isNumber(word) : word === part;
    if (!ok) return -1;
    // After the word: most phrases fail on it, and the separator is a string made only when asked for.
    if (!separatorFits(seps[k - 1]!, tokens.separatorAfter(j - 1))) return -1;
  }
  return i + n - 1;
}
