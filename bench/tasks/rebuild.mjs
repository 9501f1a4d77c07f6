/**
 * Feed rebuild at the size of the given store, the way `serve` does it:
 *   rules change: compileRules + createCurator (empty cache) + curate + buildPublication
 *   after a poll: the same curator (cache warm), 1 % of the articles changed, previous publication passed
 * Baseline in the same process: the `feed` library alone rendering the same
 * top entries of the main and every topic feed as RSS, Atom and JSON — the
 * rendering floor, without classification, clustering, escaping or compression.
 *
 * Usage: node rebuild.mjs CONFIG ROUNDS
 * Prints {"articles":N,"entries":N,"routes":N,"rulesChangeMs":[…],"curateMs":[…],"afterPollMs":[…],"baselineMs":[…]}.
 */
import { Feed } from 'feed';
import { importDist } from '../lib/dist.mjs';

const [configFile, roundsArg] = process.argv.slice(2);
const { loadConfig } = await importDist('config/load.js');
const { compileRules } = await importDist('classify/classifier.js');
const { createCurator } = await importDist('curate.js');
const { buildPublication } = await importDist('publish/build-publication.js');
const { openStore } = await importDist('store/store.js');

const config = loadConfig({ configPath: configFile, env: {} });
// FK_BENCH_STORE: the prepared store; the config's own storage.path is only a placeholder.
const store = await openStore(process.env.FK_BENCH_STORE ?? config.storePath, { readOnly: true });
const articles = store.data.articles;
const result = { articles: articles.length, rulesChangeMs: [], curateMs: [], afterPollMs: [], baselineMs: [] };
let curator;
let publication;
let entries;

for (let round = 0; round < Number(roundsArg); round++) {
  let t = performance.now();
  curator = createCurator(compileRules(config.topics, config.sources));
  entries = curator.curate(articles);
  result.curateMs.push(performance.now() - t);
  publication = buildPublication({ entries, config, generatedAt: new Date(), previous: publication });
  result.rulesChangeMs.push(performance.now() - t);

  const changed = Math.max(1, Math.floor(articles.length / 100));
  for (let i = 0; i < changed; i++) {
    const a = articles[(round * 7919 + i * 97) % articles.length];
    a.contentHash = `${a.contentHash.slice(0, 12)}${String(round).padStart(4, '0')}`;
    a.updated = new Date().toISOString();
  }
  t = performance.now();
  entries = curator.curate(articles);
  publication = buildPublication({ entries, config, generatedAt: new Date(), previous: publication });
  result.afterPollMs.push(performance.now() - t);

  t = performance.now();
  renderWithLibraryOnly(entries);
  result.baselineMs.push(performance.now() - t);
}
result.entries = entries.length;
result.routes = publication.resources.size;
await store.close();
process.stdout.write(`${JSON.stringify(result)}\n`);

function renderWithLibraryOnly(all) {
  const newest = [...all].sort((a, b) => (a.article.published < b.article.published ? 1 : -1));
  const feeds = [['', newest], ...Object.keys(config.topics).map((t) => [t, newest.filter((e) => e.topics.includes(t))])];
  for (const [topic, list] of feeds) {
    const feed = new Feed({
      title: `${config.feed.title} ${topic}`,
      description: config.feed.description,
      id: config.server.baseUrl,
      link: config.server.baseUrl,
      language: config.feed.language,
      copyright: '',
      updated: new Date(),
    });
    for (const { article, topics } of list.slice(0, config.feed.maxItems)) {
      feed.addItem({
        title: article.title,
        id: `urn:feedkurator:${article.id}`,
        link: article.link ?? config.server.baseUrl,
        description: article.summary,
        content: article.content,
        date: new Date(article.published),
        category: topics.map((name) => ({ name })),
      });
    }
    feed.rss2();
    feed.atom1();
    feed.json1();
  }
}
