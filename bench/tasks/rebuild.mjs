/**
 * Rebuild after a poll that changed 1 % of the store, the way the daemon
 * does it, on a warm state (curation loaded, content cache and previous
 * publication from the last rebuild):
 *   render:   Curation.applyCycle + selectEntries + buildPublication
 *   compress: compressPublication (gzip and brotli on the thread pool)
 * The poll itself (merge, topics of the new articles) is done before the
 * clock starts, as runCycle does it before the daemon rebuilds.
 * Baseline in the same process: the `feed` library alone rendering the same
 * entries of the main and every topic feed as RSS, Atom and JSON — the
 * rendering floor, without curation, clustering, escaping or compression.
 *
 * Usage: node rebuild.mjs CONFIG STORE_PATH WORK_DIR ROUNDS FIRST_NEW_SOURCE SEED ANCHOR_MS
 * Prints {"articles":N,"entries":N,"routes":N,"renderMs":[…],"compressMs":[…],"baselineMs":[…],"openMs":N}.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { Feed } from 'feed';
import { generateSource } from '../lib/generate-feeds.mjs';
import { importDist } from '../lib/dist.mjs';
import { copyStore } from './store-files.mjs';

const [configFile, storePath, workDir, roundsArg, firstNewArg, seedArg, anchorArg] = process.argv.slice(2);
const { loadConfig } = await importDist('config/load.js');
const { rulesFor } = await importDist('daemon/daemon.js');
const { Curation } = await importDist('curate/curation.js');
const { ContentCache, selectEntries } = await importDist('curate/select-entries.js');
const { buildPublication, compressPublication } = await importDist('publish/build-publication.js');
const { openStore } = await importDist('store/open-store.js');
const { mergeIntoStore } = await importDist('dedupe/merge-source.js');
const { readFeedBody } = await importDist('pipeline.js');

const config = loadConfig({ configPath: configFile, env: {} });
const feed = { maxItems: config.feed.maxItems, topics: Object.keys(config.topics) };
mkdirSync(workDir, { recursive: true });
const store = await openStore({ storePath: copyStore(storePath, workDir), storage: {} });
const rules = rulesFor(config);
let t = performance.now();
const curation = await Curation.open(store, rules);
const cache = new ContentCache();
let entries = await selectEntries(curation, store, cache, feed);
let publication = buildPublication({ entries, config, generatedAt: new Date() });
await compressPublication(publication);
const result = { articles: curation.articleCount, openMs: performance.now() - t, renderMs: [], compressMs: [], baselineMs: [], newArticles: [] };
const change = Math.max(1, Math.round(curation.articleCount / 100));
let nextSource = Number(firstNewArg);

for (let round = 0; round < Number(roundsArg); round++) {
  // The poll: 1 % new articles merged and classified (runCycle's work, not the rebuild's).
  const now = new Date();
  const written = [];
  while (written.length < change) {
    const source = generateSource(nextSource, { seed: Number(seedArg), anchor: Number(anchorArg) });
    const url = `http://127.0.0.1/feeds/${nextSource++}.xml`;
    const items = (await readFeedBody(source.body, source.contentType, url, now)).items.slice(0, change - written.length);
    const plan = await mergeIntoStore(store, items, { name: source.name, url, consecutiveErrors: 0, lastSuccess: now.toISOString() }, now);
    for (const w of plan.merge.writes) if (w.content !== undefined) written.push({ ...w.head, content: w.content });
  }
  const topics = new Map(written.map((a) => [a.id, curation.classifyArticle(a).topics]));
  await store.putClassifications(rules.fingerprint, topics);
  await store.flush();
  result.newArticles.push(written.length);

  t = performance.now();
  await curation.applyCycle(store, { written, touched: [], dropped: 0 }, rules.fingerprint);
  entries = await selectEntries(curation, store, cache, feed);
  const built = buildPublication({ entries, config, generatedAt: new Date(), previous: publication });
  result.renderMs.push(performance.now() - t);
  t = performance.now();
  await compressPublication(built);
  result.compressMs.push(performance.now() - t);
  publication = built;

  t = performance.now();
  renderWithLibraryOnly(entries);
  result.baselineMs.push(performance.now() - t);
}
result.entries = entries.length;
result.routes = publication.resources.size;
await store.close();
rmSync(workDir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify(result)}\n`);

function renderWithLibraryOnly(all) {
  const newest = [...all].sort((a, b) => (a.article.published < b.article.published ? 1 : -1));
  const feeds = [['', newest], ...Object.keys(config.topics).map((topic) => [topic, newest.filter((e) => e.topics.includes(topic))])];
  for (const [topic, list] of feeds) {
    const f = new Feed({
      title: `${config.feed.title} ${topic}`,
      description: config.feed.description,
      id: config.server.baseUrl,
      link: config.server.baseUrl,
      language: config.feed.language,
      copyright: '',
      updated: new Date(),
    });
    for (const { article, topics } of list.slice(0, config.feed.maxItems)) {
      f.addItem({
        title: article.title,
        id: `urn:feedkurator:${article.id}`,
        link: article.link ?? config.server.baseUrl,
        description: article.summary,
        content: article.content,
        date: new Date(article.published),
        category: topics.map((name) => ({ name })),
      });
    }
    f.rss2();
    f.atom1();
    f.json1();
  }
}
