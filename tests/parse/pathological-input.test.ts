import { describe, expect, it } from 'vitest';
import { runStages } from './run-fixture.js';

/** Inputs built to trip quadratic scans or deep recursion; each must end (test timeout) with a result or a SourceError. */
const input = { url: 'https://feed.example/feed', now: '2025-06-01T12:00:00Z' };
const atomHead = '<feed xmlns="http://www.w3.org/2005/Atom"><title>p</title>';
const rssHead = '<rss version="2.0"><channel><title>p</title>';

// Each case names its exact end: the catalogue code, or how many items were read.
const cases: [string, string, string | number][] = [
  ['50k unclosed xhtml constructs', atomHead + '<entry><content type="xhtml"><div>'.repeat(50_000), 'FK_PARSE'],
  ['100k unclosed CDATA sections', rssHead + '<item><description><![CDATA[x'.repeat(100_000), 'FK_PARSE'],
  ['100k unclosed comments', rssHead + '<!-- x'.repeat(100_000), 'FK_PARSE'],
  ['a 2 MB attribute', `${rssHead}<item><title a="${'&auml;&'.repeat(280_000)}">t</title></item></channel></rss>`, 1],
  ['50k nested elements', `${rssHead}<item><description>${'<b>'.repeat(50_000)}</description></item></channel></rss>`, 'FK_PARSE'],
  ['an unterminated DOCTYPE subset', `<!DOCTYPE rss [${'<!-- x -->'.repeat(100_000)}<rss/>`, 'FK_NOT_A_FEED'],
  ['50k entity references', `${rssHead}<item><title>${'&nbsp;&bogus;&#150;'.repeat(50_000)}</title></item></channel></rss>`, 1],
  ['20k items with the same guid', `${rssHead}${'<item><title>x</title><guid>g</guid><link>https://x.de/a</link></item>'.repeat(20_000)}</channel></rss>`, 1],
  ['a 1 MB date', `${rssHead}<item><title>x</title><pubDate>Mo, ${'1 '.repeat(500_000)}</pubDate></item></channel></rss>`, 1],
  ['a link whose host ends in 300k dots', `${rssHead}<item><title>x</title><link>https://a${'.'.repeat(300_000)}x./</link></item></channel></rss>`, 1],
  ['a deeply nested JSON', `{"version":"https://jsonfeed.org/version/1.1","items":${'['.repeat(100_000)}`, 'FK_PARSE'],
];

describe('pathological inputs end with a result or a SourceError', () => {
  for (const [name, text, end] of cases) {
    it(`${name}: ${end}`, async () => {
      const outcome = await runStages(Buffer.from(text), input);
      if (typeof end === 'string') {
        expect(outcome.error?.code).toBe(end);
        expect(outcome.items).toBeUndefined();
      } else {
        expect(outcome.error).toBeUndefined();
        expect(outcome.items).toHaveLength(end);
      }
    }, 30_000);
  }

  it('20k copies of one guid come back as one item', async () => {
    const outcome = await runStages(Buffer.from(cases[7]![1]), input);
    expect(outcome.items).toHaveLength(1);
    expect(outcome.feed?.['warnings']).toEqual(['guid "g" listed 20000 times for the same article; kept the first']);
  });

  it('an unterminated DOCTYPE is refused, never half-read', async () => {
    const noRoot = await runStages(Buffer.from('<!DOCTYPE rss [ <!ENTITY a "b"> <rss version="2.0"></rss>'), input);
    expect(noRoot.error?.code).toBe('FK_NOT_A_FEED');
    const afterRoot = await runStages(Buffer.from('<rss version="2.0"><!DOCTYPE x [ <channel></channel></rss>'), input);
    expect(afterRoot.error?.code).toBe('FK_PARSE');
  });
});
