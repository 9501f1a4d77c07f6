/**
 * Opening the JSON store keeps each article's head, not its HTML: the HTML
 * must die young. Read a day at a time, it lived until the day's last article
 * was parsed, through young-generation collections, and was promoted to old
 * space to die there (at 20,000 articles a start from the snapshot idled with
 * that garbage, since nothing then ran a full collection). Measured as V8
 * counts it: the bytes its young-generation collections promote while the
 * store opens, in a process of its own with a small young generation. Real
 * files in a temp dir.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { openJsonStore } from '../../src/store/json/json-store.js';
import type { StoredArticle } from '../../src/types.js';
import { ROOT } from '../helpers/cli.js';

const run = promisify(execFile);
const root = mkdtempSync(path.join(tmpdir(), 'fk-open-garbage-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const DAYS = 4;
const PER_DAY = 400;
const HTML_BYTES = 12_000;

function article(n: number, day: number): StoredArticle {
  const seen = new Date(Date.parse('2026-10-01T00:00:00.000Z') + day * 86_400_000 + n * 1_000).toISOString();
  return {
    id: `a${n}`,
    key: `url:https://example.test/${n}`,
    link: `https://example.test/${n}`,
    title: `Artikel ${n}`,
    summary: `Zusammenfassung ${n}`,
    content: `<p>${`Kernel ${n} `.repeat(HTML_BYTES / 12)}</p>`,
    contentHash: `h${n}`,
    categories: [],
    enclosures: [],
    published: seen,
    firstSeen: seen,
    sources: [{ name: 'q', firstSeen: seen }],
  };
}

describe('opening the JSON store', () => {
  it("lets each article's HTML die young: the load promotes far less than the HTML it reads", async () => {
    const file = path.join(root, 'feedkurator.json');
    const store = await openJsonStore(file);
    const articles: StoredArticle[] = [];
    for (let d = 0; d < DAYS; d++) for (let k = 0; k < PER_DAY; k++) articles.push(article(d * PER_DAY + k, d));
    await store.importData({ articles, sources: [{ name: 'q', url: 'https://example.test/feed' } as never] });
    await store.flush();
    await store.close();
    const html = articles.reduce((sum, a) => sum + a.content.length, 0);

    const script = `
      import { setFlagsFromString } from 'node:v8';
      import { openJsonStore } from ${JSON.stringify(pathToFileURL(path.join(ROOT, 'dist', 'store', 'json', 'json-store.js')).href)};
      setFlagsFromString('--trace-gc-nvp');
      const store = await openJsonStore(${JSON.stringify(file)}, { readOnly: true });
      setFlagsFromString('--no-trace-gc-nvp');
      console.log('ARTICLES ' + (await store.listHeads()).length);
      await store.close();`;
    // A 1 MB semi-space: a day's HTML (4.8 MB) held at once cannot stay young.
    const { stdout } = await run(process.execPath, ['--max-semi-space-size=1', '--input-type=module', '-e', script], { maxBuffer: 16 * 1024 * 1024 });
    expect(stdout).toContain(`ARTICLES ${DAYS * PER_DAY}`);
    const promoted = [...stdout.matchAll(/promoted=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
    expect(html).toBeGreaterThan(18_000_000);
    expect(promoted).toBeLessThan(html / 4);
  }, 60_000);
});
