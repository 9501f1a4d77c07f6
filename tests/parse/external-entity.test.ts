import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ParseError } from '../../src/errors.js';
import { parseFeed } from '../../src/parse/parse-feed.js';
import { readFixtureBytes } from './run-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'feedkurator-xxe-'));
const secretFile = join(dir, 'secret.txt');
const SECRET = 'GEHEIM-7c1e0f-do-not-leak';
writeFileSync(secretFile, SECRET);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function outcome(xml: string): Promise<unknown> {
  try {
    return await parseFeed(xml, { url: 'https://xxe.example/feed' });
  } catch (err) {
    return err;
  }
}

describe('DTD entities are never expanded or fetched', () => {
  it('refuses an external entity pointing at a local file, without reading it', async () => {
    const xml = readFixtureBytes('external-entity.xml').toString('utf8').replace('__SECRET_FILE__', secretFile);
    const result = await outcome(xml);
    expect(result).toBeInstanceOf(ParseError);
    expect(result).toMatchObject({ code: 'FK_PARSE', message: expect.stringMatching(/external entities/) });
    expect(JSON.stringify(result)).not.toContain(SECRET);
    expect((result as ParseError).message).not.toContain(SECRET);
  });

  it('refuses parameter entities and entities that are declared but never used', async () => {
    for (const doctype of [
      `<!DOCTYPE rss [<!ENTITY % ext SYSTEM "file://${secretFile}"> %ext;]>`,
      `<!DOCTYPE rss [<!entity unused "x">]>`,
      `<!doctype rss SYSTEM "x" [<!ENTITY a PUBLIC "-//x" "file://${secretFile}">]>`,
    ]) {
      const result = await outcome(`<?xml version="1.0"?>${doctype}<rss version="2.0"><channel><title>t</title></channel></rss>`);
      expect(result, doctype).toBeInstanceOf(ParseError);
      expect(result, doctype).toMatchObject({ code: 'FK_PARSE', message: expect.stringMatching(/DOCTYPE declares (external )?entities/) });
    }
  });

  it('reads a feed whose DOCTYPE only names an external DTD (RSS 0.91), fetching nothing', async () => {
    const xml = `<?xml version="1.0"?><!DOCTYPE rss SYSTEM "file://${secretFile}"><rss version="0.91"><channel><title>t &auml;</title><item><title>i</title></item></channel></rss>`;
    const feed = await parseFeed(xml, { url: 'https://xxe.example/feed' });
    expect(feed.title).toBe('t ä');
    expect(JSON.stringify(feed)).not.toContain(SECRET);
  });

  it('refuses billion laughs before any expansion: the error comes back with a small heap', async () => {
    const before = process.memoryUsage().heapUsed;
    const result = await outcome(readFixtureBytes('billion-laughs.xml').toString('utf8'));
    expect(result).toBeInstanceOf(ParseError);
    expect(result).toMatchObject({ code: 'FK_PARSE', message: expect.stringMatching(/billion laughs/) });
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(50 * 1024 * 1024);
  });

  it('leaves references to undeclared entities as text instead of resolving them', async () => {
    const feed = await parseFeed('<rss version="2.0"><channel><title>&lol9; &xxe;</title></channel></rss>', { url: 'https://x.example/' });
    expect(feed.title).toBe('&lol9; &xxe;');
  });
});
