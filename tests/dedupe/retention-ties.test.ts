import { describe, expect, it } from 'vitest';
import { selectExpired } from '../../src/dedupe/retention.js';

const now = new Date('2026-11-22T12:00:00.000Z');
const limits = { retentionDays: 60, maxItems: 1 };

describe('selectExpired: ties on both dates go by id, whatever the input order', () => {
  it('keeps the smaller id and drops the larger one', () => {
    const same = { published: '2026-11-21T08:00:00.000Z', firstSeen: '2026-11-21T09:00:00.000Z' };
    expect(selectExpired([{ id: 'a', ...same }, { id: 'b', ...same }], limits, now)).toEqual(['b']);
    expect(selectExpired([{ id: 'b', ...same }, { id: 'a', ...same }], limits, now)).toEqual(['b']);
  });
});
