import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prepareXml } from '../../src/parse/prepare-xml.js';
import { recoverXml } from '../../src/parse/recover-xml.js';
import { listFixtures, readFixtureBytes, runStages } from './run-fixture.js';

/**
 * The lenient pass reads more than the strict one; it must not read what is
 * refused on purpose. Hostile documents, damaged only in ways that leave
 * their hostile part whole (junk around them, entity noise, a prefixed root,
 * a cut anywhere), never come back as items; and whatever the input, the
 * recovered XML stays within a small multiple of it and never holds more
 * items than the input started.
 */

const hostileDir = new URL('../fixtures/hostile/', import.meta.url);
const input = { url: 'https://feed.example/feed', now: '2025-06-01T12:00:00Z' };

/** Each hostile document and where its hostile part starts: damage goes only before it (or cuts anywhere). */
const HOSTILE = [
  ['billion-laughs.xml', '<!DOCTYPE'],
  ['external-entity.xml', '<!DOCTYPE'],
  ['broken-xml.xml', '<item>'],
  ['not-a-feed.html', '<'],
].map(([file, marker]) => {
  const text = readFileSync(new URL(file!, hostileDir), 'utf8');
  return { file: file!, text, protectedFrom: text.indexOf(marker!) };
});

const NOISE = [
  '&', '&nbsp;', '&auml;', '&#X41;', '&#xe4;', '&bogus;', '<br />', '<b>Warning</b>: headers already sent<br />\n', 'OK\n',
  '\uFEFF', '\n\n', '<!-- cache -->', '<![CDATA[x]]>', '</channel>', '<b>', '</b>', ']]>', '\u000c', '<?php ?>',
];

type Damage = { kind: 'insert'; at: number; text: string } | { kind: 'cut'; at: number } | { kind: 'prefix' } | { kind: 'append'; text: string };

const damage: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...NOISE), fc.string({ maxLength: 12 }).map((s) => s.replace(/</g, ''))) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('prefix' as const) }),
  fc.record({ kind: fc.constant('append' as const), text: fc.constantFrom(...NOISE) }),
);

function apply(doc: { text: string; protectedFrom: number }, d: Damage): { text: string; protectedFrom: number } {
  const { text, protectedFrom } = doc;
  switch (d.kind) {
    case 'insert': {
      const at = d.at % (protectedFrom + 1);
      return { text: text.slice(0, at) + d.text + text.slice(at), protectedFrom: protectedFrom + d.text.length };
    }
    case 'cut': {
      const at = d.at % (text.length + 1);
      return { text: text.slice(0, at), protectedFrom: Math.min(protectedFrom, at) };
    }
    case 'prefix': {
      const at = text.search(/<rss\b/);
      const prefixed = text.replace(/<rss\b/, '<x:rss xmlns:x="urn:x"').replace(/<\/rss>/, '</x:rss>');
      return { text: prefixed, protectedFrom: at !== -1 && at < protectedFrom ? protectedFrom + 18 : protectedFrom };
    }
    case 'append':
      return { text: text + d.text, protectedFrom };
  }
}

describe('lenient mode and hostile input', () => {
  it('never turns a hostile document into items', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: HOSTILE.length - 1 }), fc.array(damage, { minLength: 1, maxLength: 4 }), async (which, damages) => {
        const doc = damages.reduce(apply, HOSTILE[which]!);
        const outcome = await runStages(Buffer.from(doc.text), input);
        expect(outcome.error?.code, `${HOSTILE[which]!.file}: ${JSON.stringify(damages)}`).toMatch(/^FK_(PARSE|NOT_A_FEED|DECODE)$/);
        expect(outcome.items).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  }, 120_000);

  it('keeps the refusals of entity declarations wherever junk puts them', async () => {
    for (const hostile of HOSTILE.slice(0, 2)) {
      for (const before of ['OK\n', '<br />\n<b>Warning</b>: x<br />\n', '   ']) {
        const outcome = await runStages(Buffer.from(before + hostile.text), input);
        expect(outcome.error?.code, hostile.file).toBe('FK_PARSE');
        expect(outcome.error?.message, hostile.file).toMatch(/DOCTYPE declares (external )?entities/);
      }
    }
  });

  const seeds = [
    ...HOSTILE.map((h) => h.text),
    ...listFixtures().filter((f) => !f.input.endsWith('.json')).map((f) => readFixtureBytes(f.input).toString('utf8')),
  ];

  it('recovers within the caps: bounded output, no invented items, no deep nesting', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: seeds.length - 1 }),
        fc.nat(),
        fc.constantFrom('', '<b>'.repeat(600), '<item><title>'.repeat(50), '&'.repeat(1000), '<x a=1 a=2 b>'),
        (which, at, noise) => {
          const text = seeds[which]!;
          const cut = at % (text.length + 1);
          const damaged = text.slice(0, cut) + noise + text.slice(cut, cut + (at % 7 === 0 ? 0 : text.length));
          let prepared: string;
          try {
            prepared = prepareXml(damaged).xml;
          } catch {
            return; // refused before any parsing: nothing to recover
          }
          const recovered = recoverXml(prepared);
          // Escaping "&" as "&amp;" is the largest growth (×5); entities never expand beyond their references.
          expect(recovered.xml.length).toBeLessThanOrEqual(5 * prepared.length + 64);
          const started = prepared.match(/<(?:[\w.-]+:)?(?:item|entry)\b/gi)?.length ?? 0;
          expect(recovered.keptItems).toBeLessThanOrEqual(started);
          if (recovered.tooDeep) expect(recovered.keptItems).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
