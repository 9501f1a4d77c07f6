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

describe('parseFeedDate at its edges', () => {
  it.each([
    // Two-digit years: < 50 is 20xx, else 19xx (RFC 2822 §4.3); three digits count from 1900.
    ['Wed, 01 Jan 25 00:00:00 +0000', '2025-01-01T00:00:00.000Z'],
    ['Fri, 01 Jan 99 00:00:00 +0000', '1999-01-01T00:00:00.000Z'],
    ['Fri, 01 Jan 49 00:00:00 +0000', 'future'],
    ['Sun, 01 Jan 50 00:00:00 +0000', 'unparseable'],
    ['Wed, 01 Jan 125 00:00:00 +0000', '2025-01-01T00:00:00.000Z'],
    // Numeric zones: sign, hours up to 14, minutes up to 59.
    ['Wed, 01 Jan 2025 00:00:00 -0530', '2025-01-01T05:30:00.000Z'],
    ['Wed, 01 Jan 2025 00:00:00 +1400', '2024-12-31T10:00:00.000Z'],
    ['Wed, 01 Jan 2025 00:00:00 +1500', 'unparseable'],
    ['Wed, 01 Jan 2025 00:00:00 +0160', 'unparseable'],
    ['2025-01-01T00:00:00+1500', 'unparseable'],
    ['2025-01-01T00:00:00-03', '2025-01-01T03:00:00.000Z'],
    ['Wed, 01 Jan 2025 00:00:00 EST', '2025-01-01T05:00:00.000Z'],
    // Hours up to 24:00, minutes to 59, a leap second read as :59.
    ['2025-01-01T24:00:00Z', '2025-01-02T00:00:00.000Z'],
    ['2025-01-01T24:00:01Z', 'unparseable'],
    ['2025-01-01T24:01:00Z', 'unparseable'],
    ['2025-01-01T10:60:00Z', 'unparseable'],
    ['2024-12-31T23:59:60Z', '2024-12-31T23:59:59.000Z'],
    ['2025-00-10T00:00:00Z', 'unparseable'],
    ['2025-01-00T00:00:00Z', 'unparseable'],
    ['2024-12-31T00:00:00Z', '2024-12-31T00:00:00.000Z'],
    ['Sat, 29 Feb 2025 10:00:00 +0000', 'unparseable'],
    ['Thu, 29 Feb 2024 10:00:00 +0000', '2024-02-29T10:00:00.000Z'],
    // The earliest date that is news, not a bug.
    ['1991-01-01T00:00:00Z', '1991-01-01T00:00:00.000Z'],
    ['1990-12-31T23:59:59Z', 'unparseable'],
    // German numeric dates are Berlin local time, winter and summer.
    ['15.07.2024 10:00', '2024-07-15T08:00:00.000Z'],
    ['15.07.2024, 10:00:30 Uhr', '2024-07-15T08:00:30.000Z'],
    ['31.02.2025', 'unparseable'],
    ['30.03.2025 03:30', '2025-03-30T01:30:00.000Z'],
    ['27.10.2024 12:00', '2024-10-27T11:00:00.000Z'],
  ])('%s → %s', (written, expected) => {
    expect(iso(written)).toBe(expected);
  });

  it('reads up to 120 characters and no more', () => {
    const date = 'Wed, 01 Jan 2025 00:00:00 +0000 ';
    const at120 = `${date}(${'x'.repeat(120 - date.length - 2)})`;
    expect(at120).toHaveLength(120);
    expect(iso(at120)).toBe('2025-01-01T00:00:00.000Z');
    expect(iso(`${date}(${'x'.repeat(121 - date.length - 2)})`)).toBe('unparseable');
  });

  it('allows exactly ten minutes of skew into the future', () => {
    expect(iso('2025-06-01T12:10:00Z')).toBe('2025-06-01T12:10:00.000Z');
    expect(iso('2025-06-01T12:10:01Z')).toBe('future');
  });

  it('collapses runs of whitespace before it measures the length', () => {
    expect(iso(`Wed, 01 Jan 2025${' '.repeat(110)}00:00:00 +0000`)).toBe('2025-01-01T00:00:00.000Z');
  });

  it('reads 59 minutes of zone offset, and a Berlin time in the hour before the spring change as winter time', () => {
    expect(iso('Wed, 01 Jan 2025 00:00:00 +0059')).toBe('2024-12-31T23:01:00.000Z');
    expect(iso('30.03.2025 01:30')).toBe('2025-03-30T00:30:00.000Z');
  });
});

