import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR, listFixtures, readFixtureBytes, runStages, type FixtureInput } from './run-fixture.js';

// FK_UPDATE_FIXTURES=1 rewrites the expected outputs; every rewrite is reviewed in the diff before committing.
const update = process.env['FK_UPDATE_FIXTURES'] === '1';
const fixtures = listFixtures();

describe('feed fixtures: one per quirk, decode → parse → normalize', () => {
  // The quirks the issues name, each with how it must end whatever the expected files say: a rewrite with
  // FK_UPDATE_FIXTURES=1 that turned a readable quirk into an error (or a refusal into items) fails here.
  const REFUSED: Record<string, string> = {
    'billion-laughs': 'FK_PARSE', 'external-entity': 'FK_PARSE', 'broken-xml': 'FK_PARSE', 'not-a-feed': 'FK_NOT_A_FEED',
  };
  const READ = [
    'iso-8859-1', 'windows-1252', 'utf8-bom', 'html-entities', 'rdf-rss-1.0', 'rss-0.91', 'atom-xhtml-xml-base',
    'json-feed-1.1', 'json-feed-1.0', 'german-dates', 'missing-dates-ids-links', 'duplicate-guids', 'future-date',
    'invalid-atom-published', 'hostile-html',
    'recover-truncated-mid-item', 'recover-unescaped-ampersand', 'recover-undefined-html-entities', 'recover-entities-any-case',
    'recover-rss091-doctype-entities', 'recover-prefixed-atom-root', 'recover-prefixed-rss-root', 'recover-php-warning-before-root',
    'atom-text-title-xhtml-no-div', 'atom-text-atom03-mode-base64', 'atom-text-atom03-mode-escaped', 'atom-text-atom03-mode-xml',
    'base-atom-nested-relative', 'base-content-location-absolute', 'fallback-itunes-title-mixed-case', 'fallback-media-group',
  ];

  it.each(Object.entries(REFUSED))('%s is refused with %s', async (name, code) => {
    const fixture = fixtures.find((f) => f.name === name);
    expect(fixture, name).toBeDefined();
    const outcome = await runStages(readFixtureBytes(fixture!.input), { url: 'https://feed.example/feed', now: '2025-06-01T12:00:00Z' });
    expect(outcome.error?.code).toBe(code);
    expect(outcome.items).toBeUndefined();
  });

  it.each(READ)('%s is read into items', async (name) => {
    const fixture = fixtures.find((f) => f.name === name);
    expect(fixture, name).toBeDefined();
    const expected = JSON.parse(readFileSync(new URL(fixture!.expected, FIXTURE_DIR), 'utf8')) as FixtureInput;
    const outcome = await runStages(readFixtureBytes(fixture!.input), {
      url: expected.url,
      now: expected.now,
      ...(expected.contentType ? { contentType: expected.contentType } : {}),
      ...(expected.contentLocation ? { contentLocation: expected.contentLocation } : {}),
    });
    expect(outcome.error).toBeUndefined();
    expect(outcome.items?.length).toBeGreaterThan(0);
  });

  it('holds at least 60 quirk fixtures of issue 13, at least 10 in each of its four categories', () => {
    const names = fixtures.map((f) => f.name);
    const count = (prefix: string) => names.filter((n) => n.startsWith(prefix)).length;
    expect(count('recover-') + count('atom-text-') + count('base-') + count('fallback-')).toBeGreaterThanOrEqual(60);
    for (const prefix of ['recover-', 'atom-text-', 'base-', 'fallback-']) expect(count(prefix), prefix).toBeGreaterThanOrEqual(10);
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
