import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR, listFixtures, readFixtureBytes, runStages, type FixtureInput } from './run-fixture.js';

// FK_UPDATE_FIXTURES=1 rewrites the expected outputs; every rewrite is reviewed in the diff before committing.
const update = process.env['FK_UPDATE_FIXTURES'] === '1';
const fixtures = listFixtures();

describe('feed fixtures: one per quirk, decode → parse → normalize', () => {
  it('covers every quirk the issue names', () => {
    const names = fixtures.map((f) => f.name);
    for (const quirk of [
      'iso-8859-1', 'windows-1252', 'utf8-bom', 'html-entities', 'rdf-rss-1.0', 'rss-0.91', 'atom-xhtml-xml-base',
      'json-feed-1.1', 'json-feed-1.0', 'german-dates', 'missing-dates-ids-links', 'duplicate-guids', 'future-date',
      'invalid-atom-published', 'billion-laughs', 'external-entity', 'broken-xml', 'not-a-feed', 'hostile-html',
    ]) expect(names).toContain(quirk);
  });

  for (const fixture of fixtures) {
    it(fixture.name, async () => {
      const expectedUrl = new URL(fixture.expected, FIXTURE_DIR);
      const expected = JSON.parse(readFileSync(expectedUrl, 'utf8')) as FixtureInput & Record<string, unknown>;
      const input: FixtureInput = {
        url: expected.url,
        now: expected.now,
        ...(expected.contentType ? { contentType: expected.contentType } : {}),
        ...(expected.contentLocation ? { contentLocation: expected.contentLocation } : {}),
      };
      const outcome = await runStages(readFixtureBytes(fixture.input), input);
      if (update) {
        writeFileSync(expectedUrl, `${JSON.stringify({ ...input, ...outcome }, null, 2)}\n`);
        return;
      }
      const { url: _u, now: _n, contentType: _c, contentLocation: _l, ...expectedOutcome } = expected;
      expect(JSON.parse(JSON.stringify(outcome))).toEqual(expectedOutcome);
    });
  }
});
