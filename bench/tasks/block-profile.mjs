/**
 * Where the event loop blocks while `serve` takes in a change: a started
 * Daemon on a copy of a bench store, then per round a poll adding 1 % new
 * articles (generated sources on a local fixture server, Daemon.cycle: fetch,
 * merge, classify, flush, curate, publish) and a rules edit
 * (Daemon.applyConfig, a new term). Every event-loop gap over the threshold
 * is printed with the program's frames that ran in it (lib/block-probe.mjs).
 * A tool for finding what to slice; the goal rows are in suites/goals.mjs.
 *
 * Usage: node block-profile.mjs CONFIG STORE_PATH WORK_DIR ROUNDS SEED ANCHOR_MS [THRESHOLD_MS] [poll,rules,common]
 * Prints one JSON line per change: {"change":"poll"|"rules"|"common","round":N,"ms":N,"blocks":[{ms,frames}…]}.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { startBlockProbe } from '../lib/block-probe.mjs';
import { importDist } from '../lib/dist.mjs';
import { startFixtureServer } from '../lib/fixture-server.mjs';
import { generateSource } from '../lib/generate-feeds.mjs';
import { copyStore } from './store-files.mjs';

const [configFile, storePath, workDir, roundsArg, seedArg, anchorArg, thresholdArg = '15', changesArg = 'poll,rules'] = process.argv.slice(2);
const changes = changesArg.split(',');
const { loadConfig } = await importDist('config/load.js');
const { Daemon } = await importDist('daemon/daemon.js');
const { openStore } = await importDist('store/open-store.js');
const { createLogger } = await importDist('log/logger.js');

mkdirSync(workDir, { recursive: true });
const fixture = await startFixtureServer({ seed: Number(seedArg), anchor: Number(anchorArg) });
const port = new URL(fixture.sources(1)[0].url).port;
const base = loadConfig({ configPath: configFile, env: {} });
let config = { ...base, storePath: copyStore(storePath, workDir), sources: [] };
const store = await openStore(config);
const daemon = new Daemon({ config, store, logger: createLogger({ level: 'warn', destination: 'stderr' }) });
await daemon.start();
await daemon.settled();
const perPoll = Math.max(1, Math.round(daemon.articleCount / 100 / 50));
let nextSource = 500_000;

for (let round = 0; round < Number(roundsArg); round++) {
  if (changes.includes('poll')) {
    // New sources only: the cycle fetches them (200) and merges their items, all new.
    const added = Array.from({ length: perPoll }, () => generateSource(nextSource++, { seed: Number(seedArg), anchor: Number(anchorArg) }));
    const raw = YAML.parse(readFileSync(configFile, 'utf8'));
    raw.sources = added.map((s) => ({ name: s.name, url: `http://127.0.0.1:${port}${s.path}` }));
    writeFileSync(join(workDir, 'poll.yaml'), YAML.stringify(raw));
    config = { ...config, sources: loadConfig({ configPath: join(workDir, 'poll.yaml'), env: {} }).sources };
    await daemon.applyConfig(config);
    await measure('poll', round, async () => {
      await daemon.cycle();
      await daemon.settled();
    });
  }
  if (changes.includes('rules')) {
    config = withTerm(config, `blockterm${round}`);
    await measure('rules', round, async () => {
      await daemon.applyConfig(config);
      await daemon.settled();
    });
  }
}
if (changes.includes('common')) {
  config = withTerm(config, 'entwickler');
  await measure('common', 0, async () => {
    await daemon.applyConfig(config);
    await daemon.settled();
  });
}
await daemon.close();
await store.close();
await fixture.close();
rmSync(workDir, { recursive: true, force: true });

async function measure(change, round, work) {
  const probe = await startBlockProbe({ thresholdMs: Number(thresholdArg) });
  const t = performance.now();
  await work();
  const ms = performance.now() - t;
  const blocks = await probe.stop();
  process.stdout.write(`${JSON.stringify({ change, round, ms: Math.round(ms), blocks })}\n`);
}

function withTerm(cfg, term) {
  const [[name, topic], ...rest] = Object.entries(cfg.topics);
  return { ...cfg, topics: Object.fromEntries([[name, { ...topic, include: [...topic.include, term] }], ...rest]) };
}
