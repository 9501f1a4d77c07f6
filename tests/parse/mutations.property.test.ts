import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError, NotAFeedError, ParseError, SourceError } from '../../src/errors.js';
import { listFixtures, readFixtureBytes, runStages } from './run-fixture.js';

/**
 * Random damage to valid feeds must cost only that source: decode, parse and
 * normalize either succeed or throw one of the catalogue's SourceErrors
 * (runStages turns those into `outcome.error`; anything else escapes and
 * fails the property). Run counts are bounded so the suite stays fast.
 */

const seeds = listFixtures()
  .filter((f) => !['billion-laughs', 'external-entity', 'broken-xml', 'not-a-feed'].includes(f.name))
  .map((f) => readFixtureBytes(f.input));
const input = { url: 'https://feed.example/feed', now: '2025-06-01T12:00:00Z' };

const INSERTS = [
  '<', '>', '&', '&auml;', '&#0;', '&#x110000;', '&#150;', '&bogus;', ']]>', '<![CDATA[', '<!--', '<!DOCTYPE x [<!ENTITY a "b">]>',
  '<item>', '</item>', '<entry>', '<title type="xhtml"><div>', '</channel>', '<script>alert(1)</script>', '<img src=x onerror=alert(1)>',
  '<a href="javascript:alert(1)">x</a>', '\u0000', '\uFFFD', '\uFEFF', '<link/>', '<link>', '<published>kaputt</published>',
  '<category term="x"/>', '<guid>same</guid>', '{"version":"https://jsonfeed.org/version/1.1","items":[{}]}', '"', "'", '\n',
];

/** A script element, an event-handler attribute, or a javascript: URL inside a real tag. */
const EXECUTABLE_MARKUP = /<script|<[a-z][^<>]*\son[a-z]+\s*=|<[a-z][^<>]*\s(?:href|src|cite)\s*=\s*["']?\s*javascript:/i;

type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'hugeAttribute'; at: number; size: number }
  | { kind: 'repeat'; from: number; length: number; times: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...INSERTS), fc.string({ maxLength: 20 })) }),
  fc.record({ kind: fc.constant('hugeAttribute' as const), at: fc.nat(), size: fc.integer({ min: 1_000, max: 200_000 }) }),
  fc.record({ kind: fc.constant('repeat' as const), from: fc.nat(), length: fc.integer({ min: 1, max: 200 }), times: fc.integer({ min: 2, max: 200 }) }),
);

function apply(bytes: Buffer, m: Mutation): Buffer {
  const at = bytes.length === 0 ? 0 : ('at' in m ? m.at : m.from) % (bytes.length + 1);
  switch (m.kind) {
    case 'truncate':
      return bytes.subarray(0, at);
    case 'flip': {
      const copy = Buffer.from(bytes);
      if (at < copy.length) copy[at] = m.byte;
      return copy;
    }
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(m.text), bytes.subarray(at)]);
    case 'hugeAttribute':
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(`<x a="${'&auml;<'.repeat(m.size / 7)}">`), bytes.subarray(at)]);
    case 'repeat': {
      const piece = bytes.subarray(at, at + m.length);
      return Buffer.concat([bytes.subarray(0, at), ...Array.from({ length: m.times }, () => piece), bytes.subarray(at)]);
    }
  }
}

describe('mutated feeds never throw anything but SourceErrors and never hang', () => {
  it('survives random damage to every good fixture', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (which, mutations) => {
        const bytes = mutations.reduce(apply, seeds[which]!);
        const outcome = await runStages(bytes, input);
        if (outcome.error) {
          expect(outcome.error.code).toMatch(/^FK_(DECODE|NOT_A_FEED|PARSE)$/);
          expect(outcome.error.message).not.toMatch(/\n/);
        } else {
          for (const item of outcome.items as { title: string; content: string; link?: string }[]) {
            expect(item.title.length).toBeGreaterThan(0);
            // Executable markup only: escaped text such as `&lt;a href="javascript:…"&gt;` is harmless and may appear
            // when damage turns markup into text.
            expect(item.content).not.toMatch(EXECUTABLE_MARKUP);
            if (item.link) expect(item.link).toMatch(/^https?:\/\//);
          }
        }
      }),
      { numRuns: 300 },
    );
  }, 60_000);

  it('reports the catalogue class for arbitrary bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2_000 }), fc.constantFrom(undefined, 'text/xml; charset=utf-8', 'application/json'), async (bytes, contentType) => {
        const outcome = await runStages(Buffer.from(bytes), { ...input, ...(contentType ? { contentType } : {}) });
        // runStages rethrows anything outside the catalogue, which fails the property.
        if (outcome.error) expect(outcome.error.code).toMatch(/^FK_(DECODE|NOT_A_FEED|PARSE)$/);
      }),
      { numRuns: 300 },
    );
  }, 60_000);

  it('keeps SourceError as the base of every stage error', () => {
    for (const [StageError, code] of [[DecodeError, 'FK_DECODE'], [NotAFeedError, 'FK_NOT_A_FEED'], [ParseError, 'FK_PARSE']] as const) {
      const error = new StageError('x');
      expect(error).toBeInstanceOf(SourceError);
      expect(error.code).toBe(code);
    }
  });
});
