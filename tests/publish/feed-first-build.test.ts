/**
 * A feed-first publication (a start without a snapshot, daemon.ts): /feed.xml
 * first, every other route once `rendering.finish()` ran, and then the very
 * publication a whole build gives for the same entries, "why shown" included
 * (filled into the entries only before the rest, as select-entries.ts
 * WhyLater does).
 */
import { describe, expect, it } from 'vitest';
import { buildFeedFirst, buildPublication, type Publication } from '../../src/publish/build-publication.js';
import { FragmentCache } from '../../src/publish/entry-fragments.js';
import type { CuratedEntry } from '../../src/types.js';
import { ALL_ENTRIES, CONFIG_YAML, loadTestConfig, manyEntries } from '../fixtures/publish/german-linux-news.js';

const config = loadTestConfig(CONFIG_YAML.replace('maxItems: 50', 'maxItems: 12'));
const GENERATED = new Date(Date.UTC(2026, 10, 22, 6));
const WHY: Record<string, string[]> = { kernel: ['kernel', 'torvalds'], containers: ['container*'], hosting: ['webhoster'] };

/** The entries with their matches, and copies without (to be filled in later). */
function entries(): { whole: CuratedEntry[]; bare: CuratedEntry[] } {
  const whole = [...ALL_ENTRIES, ...manyEntries(40)].map((e) => ({ ...e, matches: Object.fromEntries(e.topics.map((t) => [t, WHY[t]!])) }));
  const bare = whole.map(({ matches: _m, ...rest }) => ({ ...rest }));
  return { whole, bare };
}

const served = (p: Publication): Record<string, { body: string; etag: string; lastModified: number; type: string; headers: unknown }> =>
  Object.fromEntries(
    [...p.resources].map(([route, r]) => [route, { body: r.bodies.identity.toString('utf8'), etag: r.etags.identity, lastModified: r.lastModified.getTime(), type: r.contentType, headers: r.headers }]),
  );

describe('a feed-first publication', () => {
  it('holds /feed.xml only until finished, and then every route of a whole build, byte for byte', async () => {
    const { whole, bare } = entries();
    const reference = buildPublication({ entries: whole, config, generatedAt: GENERATED });
    let filled = false;
    const first = await buildFeedFirst({ entries: bare, config, generatedAt: GENERATED }, async () => {
      bare.forEach((e, i) => (e.matches = whole[i]!.matches));
      filled = true;
    });
    expect([...first.resources.keys()]).toEqual(['/feed.xml']);
    expect(first.resources.get('/feed.xml')!.bodies.identity.equals(reference.resources.get('/feed.xml')!.bodies.identity)).toBe(true);
    expect(first.itemCount).toBe(reference.itemCount);
    expect(filled).toBe(false);
    // Every route it will have, and no other.
    for (const route of reference.resources.keys()) expect(first.rendering!.has(route), route).toBe(true);
    expect(first.rendering!.has('/topics/nope.xml')).toBe(false);

    let ready = false;
    void first.rendering!.ready.then(() => (ready = true));
    const finishing = first.rendering!.finish();
    expect(first.rendering!.finish()).toBe(finishing);
    await finishing;
    await Promise.resolve();
    expect(ready).toBe(true);
    expect(first.rendering).toBeUndefined();
    expect(served(first)).toEqual(served(reference));
    // The page printed the matches filled in after /feed.xml was rendered.
    expect(first.resources.get('/')!.bodies.identity.toString('utf8')).toContain('<code>torvalds</code>');
  });

  it('renders again an entry whose matches were filled in after it was rendered (the page shows them)', () => {
    const { whole, bare } = entries();
    const fragments = new FragmentCache();
    const entry = bare[0]!;
    expect(fragments.get(entry, config, GENERATED).item.why).toEqual([]);
    entry.matches = whole[0]!.matches;
    const again = fragments.get(entry, config, GENERATED);
    expect(again.item.why.length).toBeGreaterThan(0);
    expect(again.item).toEqual(new FragmentCache().get(whole[0]!, config, GENERATED).item);
  });

  it('rejects `ready` when the rest fails, for the requests waiting on it', async () => {
    const { bare } = entries();
    const first = await buildFeedFirst({ entries: bare, config, generatedAt: GENERATED }, async () => {
      throw new Error('no matches');
    });
    await expect(first.rendering!.finish()).rejects.toThrow('no matches');
    await expect(first.rendering!.ready).rejects.toThrow('no matches');
  });
});
