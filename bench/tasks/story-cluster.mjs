/**
 * Same-story clustering time, this build against a baseline build, in one
 * process and one run (alternating rounds, so machine load hits both alike).
 *
 * Input: 20,000 articles of the generated feeds (bench/lib/generate-feeds,
 * read through the real readFeedBody), 50 per source, spread over ~45 days.
 * Two shapes: the whole 20,000 (the largest window select-entries can ask
 * for is WINDOW_CAP × maxItems = 1,000 curated articles plus 144 hours; all
 * 20,000 is a strict upper bound) and a publish window as select-entries
 * builds it for maxItems 100: the newest CLUSTER_DEPTH × maxItems = 200
 * articles plus three 48-hour windows before the oldest of them. Each round
 * clusters fresh copies (cold: every article's words are read) and then the
 * same objects again (warm: words cached, as in a rebuild after a poll).
 *
 * Usage: npm run build && [SHAPES=window] node bench/tasks/story-cluster.mjs BASELINE_DIST [ROUNDS]
 * (BASELINE_DIST: the dist/ of another checkout, for example main's).
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { generateSource } from '../lib/generate-feeds.mjs';
import { importDist } from '../lib/dist.mjs';
import { median } from '../lib/stats.mjs';

const [baselineDist, roundsArg] = process.argv.slice(2);
if (!baselineDist) throw new Error('usage: node bench/tasks/story-cluster.mjs BASELINE_DIST [ROUNDS]');
const rounds = Number(roundsArg ?? 5);
const current = await importDist('dedupe/story-clusters.js');
const baseline = await import(pathToFileURL(resolve(baselineDist, 'dedupe/story-clusters.js')).href);
const { readFeedBody } = await importDist('pipeline.js');

const anchor = Date.parse('2026-11-20T12:00:00.000Z');
const articles = [];
for (let index = 0; articles.length < 20_000; index++) {
  const source = generateSource(index, { seed: 7, anchor: anchor - (index % 4) * 11.5 * 86_400_000 });
  const feed = await readFeedBody(source.body, source.contentType, `http://127.0.0.1/feeds/${index}.xml`, new Date(anchor));
  for (const [i, item] of feed.items.entries()) {
    if (articles.length === 20_000) break;
    const published = item.published ?? new Date(anchor).toISOString();
    articles.push({
      id: `a${index}-${i}`,
      key: `a${index}-${i}`,
      title: item.title,
      summary: item.summary,
      content: item.content,
      categories: item.categories,
      enclosures: item.enclosures,
      published,
      firstSeen: published,
      contentHash: `h${index}-${i}`,
      sources: [{ name: source.name, firstSeen: published }],
    });
  }
}
articles.sort((a, b) => (a.published < b.published ? 1 : -1));
const oldestShown = Date.parse(articles[199].published) - 3 * 48 * 3_600_000;
const window = articles.filter((a, i) => i < 200 || Date.parse(a.published) >= oldestShown);

// CPU time (process.cpuUsage, user + system) besides wall time: on a shared machine wall time mostly measures the neighbours.
function time(fn) {
  const t = performance.now();
  const c = process.cpuUsage();
  const out = fn();
  const cpu = process.cpuUsage(c);
  return { ms: performance.now() - t, cpuMs: (cpu.user + cpu.system) / 1000, out };
}

const results = {};
// SHAPES=window: the publish window only (the 20,000-article shape takes most of a run on a loaded machine).
const shapes = [['window', window], ['all-20000', articles]].filter(([name]) => !process.env.SHAPES || process.env.SHAPES.split(',').includes(name));
for (const [shape, input] of shapes) {
  const runs = { baseline: { cold: [], warm: [], coldCpu: [], warmCpu: [] }, current: { cold: [], warm: [], coldCpu: [], warmCpu: [] } };
  let clusters = {};
  for (let r = 0; r < rounds; r++) {
    for (const [name, mod] of r % 2 === 0 ? [['baseline', baseline], ['current', current]] : [['current', current], ['baseline', baseline]]) {
      const copies = input.map((a) => ({ ...a }));
      globalThis.gc?.();
      const cold = time(() => mod.clusterStories(copies));
      const warm = time(() => mod.clusterStories(copies));
      runs[name].cold.push(cold.ms);
      runs[name].warm.push(warm.ms);
      runs[name].coldCpu.push(cold.cpuMs);
      runs[name].warmCpu.push(warm.cpuMs);
      clusters[name] = cold.out.length;
    }
  }
  const row = (name) => ({
    coldMs: +median(runs[name].cold).toFixed(1),
    warmMs: +median(runs[name].warm).toFixed(1),
    coldCpuMs: +median(runs[name].coldCpu).toFixed(1),
    warmCpuMs: +median(runs[name].warmCpu).toFixed(1),
    clusters: clusters[name],
  });
  results[shape] = { articles: input.length, baseline: row('baseline'), current: row('current') };
  results[shape].ratioCold = +(results[shape].current.coldMs / results[shape].baseline.coldMs).toFixed(3);
  results[shape].ratioWarm = +(results[shape].current.warmMs / results[shape].baseline.warmMs).toFixed(3);
  results[shape].ratioColdCpu = +(results[shape].current.coldCpuMs / results[shape].baseline.coldCpuMs).toFixed(3);
  results[shape].ratioWarmCpu = +(results[shape].current.warmCpuMs / results[shape].baseline.warmCpuMs).toFixed(3);
}
process.stdout.write(`${JSON.stringify(results, null, 1)}\n`);
