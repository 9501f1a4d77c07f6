/**
 * Classification throughput on generated, really normalized articles:
 * compileRules() on the default topic rules (config/feedkurator.yaml)
 * against a naive baseline measured in the same process on the same input —
 * lower-case substring search of the same terms, no umlaut folding, no
 * compound or inflection handling, tags stripped with one regex.
 *
 * Usage: node classify.mjs SOURCES ROUNDS SEED ANCHOR_MS
 * Prints {"articles":N,"feedkuratorPerSecond":[…],"baselinePerSecond":[…],"topicShare":{…}}.
 */
import { generateSource } from '../lib/generate-feeds.mjs';
import { DEFAULT_CONFIG } from '../lib/bench-config.mjs';
import { importDist } from '../lib/dist.mjs';

const [sourcesArg, roundsArg, seedArg, anchorArg] = process.argv.slice(2);
const { loadConfig } = await importDist('config/load.js');
const { compileRules } = await importDist('classify/classifier.js');
const { readFeedBody } = await importDist('pipeline.js');

const config = loadConfig({ configPath: DEFAULT_CONFIG, env: {} });
const classifier = compileRules(config.topics, config.sources);
const now = new Date(Number(anchorArg));
const inputs = [];
for (let i = 0; i < Number(sourcesArg); i++) {
  const source = generateSource(i, { seed: Number(seedArg), anchor: Number(anchorArg) });
  const feed = await readFeedBody(source.body, source.contentType, `http://127.0.0.1/feeds/${i}.xml`, now);
  for (const item of feed.items) inputs.push({ title: item.title, summary: item.summary, content: item.content, sources: [source.name] });
}

const naive = compileNaive(config.topics);
const topicCount = Object.fromEntries(classifier.topics.map((t) => [t, 0]));
for (const input of inputs) for (const t of classifier.classify(input).topics) topicCount[t]++;
for (const input of inputs) naive(input);

const feedkuratorPerSecond = [];
const baselinePerSecond = [];
const minimumMs = 300;
for (let round = 0; round < Number(roundsArg); round++) {
  feedkuratorPerSecond.push(rate(() => { for (const input of inputs) classifier.classify(input); }));
  baselinePerSecond.push(rate(() => { for (const input of inputs) naive(input); }));
}
const topicShare = Object.fromEntries(Object.entries(topicCount).map(([t, n]) => [t, n / inputs.length]));
process.stdout.write(`${JSON.stringify({ articles: inputs.length, feedkuratorPerSecond, baselinePerSecond, topicShare })}\n`);

/** Articles per second of one pass over the inputs, repeated until it has run for minimumMs. */
function rate(pass) {
  let passes = 0;
  const started = performance.now();
  do {
    pass();
    passes++;
  } while (performance.now() - started < minimumMs);
  return (passes * inputs.length) / ((performance.now() - started) / 1000);
}

function compileNaive(topics) {
  const clean = (term) => term.replace(/\^[\d.]+$/, '').replace(/[*=!#]/g, '').trim().toLowerCase();
  const compiled = Object.entries(topics).map(([name, rules]) => ({
    name,
    include: rules.include.map(clean),
    exclude: (rules.exclude ?? []).map(clean),
  }));
  return (input) => {
    const text = `${input.title} ${input.summary} ${input.content.replace(/<[^>]*>/g, ' ')}`.toLowerCase();
    const topics = [];
    for (const t of compiled) {
      if (t.include.some((term) => text.includes(term)) && !t.exclude.some((term) => text.includes(term))) topics.push(t.name);
    }
    return topics;
  };
}
