/**
 * Normalize cost per item on generated feeds, in CPU time (user + system, so
 * that other work on a shared machine counts less than in wall time):
 * normalizeFeed as the pipeline runs it; and, for the items with a body, the
 * summary read from that body both ways on the same items in the same
 * process — one walk giving the safe HTML and its text (today) against
 * sanitizing and then parsing the result again (the former way, as the
 * baseline). With FK_BENCH_BASELINE_DIST, that build's normalizeFeed is timed
 * on the same parsed feeds too (before/after a change, interleaved by round).
 *
 * Usage: node normalize.mjs SOURCES ROUNDS SEED ANCHOR_MS
 * Prints {"items":N,"bodies":N,"normalizeUs":[…],"onePassUs":[…],"twoPassUs":[…],"baselineNormalizeUs":[…]}
 * (µs per item; per body for the two HTML figures).
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateSource } from '../lib/generate-feeds.mjs';
import { importDist } from '../lib/dist.mjs';

const [sourcesArg, roundsArg, seedArg, anchorArg] = process.argv.slice(2);
const { decodeBody } = await importDist('parse/decode-body.js');
const { parseFeed } = await importDist('parse/parse-feed.js');
const { normalizeFeed } = await importDist('normalize/normalize-feed.js');
const { htmlToText, sanitizeWithText } = await importDist('normalize/html-to-text.js');
const { sanitizeContent } = await importDist('normalize/sanitize-html.js');
const baselineDist = process.env.FK_BENCH_BASELINE_DIST;
const baseline = baselineDist ? await import(pathToFileURL(join(baselineDist, 'normalize/normalize-feed.js')).href) : undefined;

const now = new Date(Number(anchorArg));
const feeds = [];
for (let i = 0; i < Number(sourcesArg); i++) {
  const source = generateSource(i, { seed: Number(seedArg), anchor: Number(anchorArg) });
  const url = `http://127.0.0.1${source.path}`;
  feeds.push({ feed: await parseFeed(decodeBody(source.body, source.contentType).text, { url }), url });
}
const items = feeds.reduce((n, f) => n + f.feed.items.length, 0);
const bodies = feeds.flatMap(({ feed, url }) =>
  feed.items.filter((raw) => raw.content).map((raw) => ({ html: raw.content, base: raw.baseUrl ?? feed.baseUrl ?? url })),
);

const passes = {
  normalizeUs: () => {
    for (const { feed, url } of feeds) normalizeFeed(feed, { url, now });
  },
  onePassUs: () => {
    for (const { html, base } of bodies) sanitizeWithText(html, base).text;
  },
  twoPassUs: () => {
    for (const { html, base } of bodies) htmlToText(sanitizeContent(html, base));
  },
  ...(baseline ? { baselineNormalizeUs: () => { for (const { feed, url } of feeds) baseline.normalizeFeed(feed, { url, now }); } } : {}),
};

const out = { items, bodies: bodies.length, ...Object.fromEntries(Object.keys(passes).map((k) => [k, []])) };
for (const pass of Object.values(passes)) pass(); // warm-up: JIT and caches for every contender
for (let round = 0; round < Number(roundsArg); round++) {
  for (const [name, pass] of Object.entries(passes)) out[name].push(cpuMicros(pass, name.endsWith('PassUs') ? bodies.length : items));
}
process.stdout.write(`${JSON.stringify(out)}\n`);

/** CPU µs per unit of one pass over `units` things, repeated until it has used 300 ms of CPU. */
function cpuMicros(pass, units) {
  let count = 0;
  const start = process.cpuUsage();
  let used = 0;
  do {
    pass();
    count++;
    const { user, system } = process.cpuUsage(start);
    used = user + system;
  } while (used < 300_000);
  return used / (count * units);
}
