import { describe, expect, it } from 'vitest';
import { parseFeedDate } from '../../src/normalize/parse-date.js';

const now = new Date('2025-06-01T12:00:00Z');
const iso = (written: string) => {
  const result = parseFeedDate(written, now);
  return 'date' in result ? result.date.toISOString() : result.problem;
};

describe('parseFeedDate', () => {
  it.each([
    ['Tue, 15 Apr 2025 11:23:00 +0200', '2025-04-15T09:23:00.000Z'],
    ['Tue, 15 Apr 2025 11:23 GMT', '2025-04-15T11:23:00.000Z'],
    ['15 Apr 2025 11:23:00 +0200', '2025-04-15T09:23:00.000Z'],
    ['Di, 15 Apr 2025 11:23:00 MESZ', '2025-04-15T09:23:00.000Z'],
    ['Mo, 03 Mär 2025 10:00 +0100', '2025-03-03T09:00:00.000Z'],
    ['Mo, 03 Mrz 2025 10:00:00 MEZ', '2025-03-03T09:00:00.000Z'],
    ['Montag, 3. März 2025 10:00 CET', '2025-03-03T09:00:00.000Z'],
    ['Mi, 01 Mai 2024 00:00:00 +0000', '2024-05-01T00:00:00.000Z'],
    ['Wed, 01 Jan 2025 00:00:00 PST', '2025-01-01T08:00:00.000Z'],
    ['Wed, 01 Jan 2025 00:00:00 +0000 (UTC)', '2025-01-01T00:00:00.000Z'],
    ['Wed, 01 Jan 2025 00:00:00 XYZ', '2025-01-01T00:00:00.000Z'],
    ['  Wed,  01  Jan  2025  00:00:00  +01:00 ', '2024-12-31T23:00:00.000Z'],
    ['2025-04-15T11:23:00+02:00', '2025-04-15T09:23:00.000Z'],
    ['2025-04-15T11:23:00.123456Z', '2025-04-15T11:23:00.000Z'],
    ['2025-04-15 11:23:00', '2025-04-15T11:23:00.000Z'],
    ['2025-04-15T11:23+0200', '2025-04-15T09:23:00.000Z'],
    ['2025-04-15', '2025-04-15T00:00:00.000Z'],
    ['15.04.2025 11:23', '2025-04-15T09:23:00.000Z'],
    ['03.01.2025', '2025-01-02T23:00:00.000Z'],
  ])('%s → %s', (written, expected) => {
    expect(iso(written)).toBe(expected);
  });

  it.each([
    ['', 'missing'],
    ['   ', 'missing'],
    ['Montag', 'unparseable'],
    ['1', 'unparseable'],
    ['gestern', 'unparseable'],
    ['2025-13-01T00:00:00Z', 'unparseable'],
    ['Sat, 31 Feb 2025 10:00:00 +0000', 'unparseable'],
    ['Tue, 15 Foo 2025 11:23:00 +0200', 'unparseable'],
    ['Tue, 15 Apr 2025 25:23:00 +0200', 'unparseable'],
    ['Thu, 01 Jan 1970 00:00:00 +0000', 'unparseable'],
    ['0001-01-01T00:00:00Z', 'unparseable'],
    ['2025-06-01T12:30:00Z', 'future'],
    ['Sat, 01 Jan 2039 00:00:00 +0000', 'future'],
    ['x'.repeat(10_000), 'unparseable'],
  ])('%j → %s', (written, problem) => {
    expect(iso(written)).toBe(problem);
  });

  it('tolerates a few minutes of clock skew', () => {
    expect(iso('2025-06-01T12:09:00Z')).toBe('2025-06-01T12:09:00.000Z');
    expect(parseFeedDate(undefined, now)).toEqual({ problem: 'missing' });
  });
});
