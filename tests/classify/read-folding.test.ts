import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Tokens, tokenize } from '../../src/classify/tokenize.js';
import { wordHash } from '../../src/classify/word-memo.js';
import { foldText } from '../../src/text/fold.js';
import { stripHtml } from '../../src/text/strip-html.js';

/**
 * readFolding reads a field as it came and folds character by character; the classifier's words must be
 * exactly those of foldText(stripHtml(field)) read as before: same words, hashes, separators, joints.
 */
function wordsOf(tokens: Tokens): string[] {
  const out: string[] = [];
  for (let k = 0; k < tokens.count; k++) {
    const word = tokens.word(k);
    const next = k + 1 < tokens.count ? `|${tokens.span(k, k + 1)}` : '';
    out.push(`${word}/${tokens.length(k)}/${tokens.hash(k) === wordHash(tokens.key(k))}/${JSON.stringify(tokens.separatorAfter(k))}/${tokens.joinsNext(k)}${next}`);
  }
  return out;
}

function expectAsBefore(field: string, html: boolean): void {
  const before = wordsOf(tokenize(foldText(html ? stripHtml(field) : field)));
  expect(wordsOf(new Tokens().readFolding(field, html)), JSON.stringify(field)).toEqual(before);
}

const HARD = [
  'Über die Größe: Linux-Kernel 6.12 für Café-Besitzer',
  '<p>Die <b>Kernel</b>-Entwickler über <a href="https://x.example/?a=1&amp;b=2">Podman</a></p>',
  '<p>AT&amp;T &auml;ndert &#252;ber &#x4B;ernel &nbsp; &shy;</p>',
  '<p>vor <script>Kernel</script> und <STYLE>x{}</STYLE> nach</p>',
  '<a title="<script>">Linux</a> Kernel',
  'a < b und c > d, aber 3 <4',
  'Kernel<br>Entwickler und Container-<i>Schiff</i> und Container<i>-Schiff</i>',
  'x < y ohne Ende <p',
  'İstanbul, ΣΟΦΙΑ ΣΑΣ, Ωmega, Kelvin K, ẞTRASSE, Ǆemal, ǅ, Æsir, ŉ',
  'Yılmaz und Müller: Ärger über Öl – „Zitat“ … 5 € ½ ² × ÷',
  'ạ Việt Nam, Đà Nẵng und e\u0301 (kombiniert) und ü\u0308',
  'Emoji 🐧 Linux und 𝐊ernel',
  'Привет мир Linux',
  'weich\u00adgetrennt, null\u200bbreit, en\u2002space, ℃ ™ № →',
  'foo_bar-baz__qux--x - y',
];

describe('Tokens.readFolding', () => {
  it('reads the words foldText(stripHtml(field)) has, for hard fields', () => {
    for (const field of HARD) {
      expectAsBefore(field, false);
      expectAsBefore(field, true);
    }
  });

  it('folds every UTF-16 unit as foldText does, in texts decomposed or not', () => {
    for (let code = 0; code < 0x10000; code++) {
      const c = String.fromCharCode(code);
      for (const field of [`Ab${c}cD-${c}`, `é ${c}Ü${c}`]) {
        const before = wordsOf(tokenize(foldText(field)));
        const after = wordsOf(new Tokens().readFolding(field, false));
        if (after.join() !== before.join()) expect(after, `U+${code.toString(16)} in ${JSON.stringify(field)}`).toEqual(before);
      }
    }
  });

  it('reads random fields of markup, umlauts, diacritics and other scripts as before', () => {
    const piece = fc.constantFrom(
      'Kernel', 'linux', 'Über', 'größe', 'É', 'é', 'ı', 'İ', 'Σ', 'ẞ', 'ß', ' ', '-', '_', '.', '<p>', '</p>', '<b', '>', '<', '&amp;', '&',
      '<script>', '</script>', '<Style>', '\u0301', '🐧', 'ж', '6', '12', '„', '–', '\u00a0', 'Ä', 'K',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), fc.boolean(), (pieces, html) => expectAsBefore(pieces.join(''), html)),
      { numRuns: 2000 },
    );
  });
});
