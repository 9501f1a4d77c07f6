/**
 * Poll cycles through the real CLI (`feedkurator poll --json` as a child
 * process): cold from an empty store, then warm against the same store with
 * every source answering 304. The baseline child downloads and parses the
 * same bodies at the same concurrency in the same run; runs alternate which
 * goes first so that drift on a shared machine hits both alike.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeRunDir, writeBenchConfig } from '../lib/bench-config.mjs';
import { CLI, lastLines, runMeasured, startMeasured } from '../lib/processes.mjs';
import { median } from '../lib/stats.mjs';

const BASELINE = fileURLToPath(new URL('../tasks/baseline-poll.mjs', import.meta.url));
const CONCURRENCY = 8;

/**
 * @param inThread also run each cold poll with FEEDKURATOR_READ_THREADS=0 (reading in the main
 *   thread, as before the worker pool), to show in the same run what the pool changes.
 * @param postgres optional { createDatabase(): Promise<url>, stats(url): Promise<counters> }: each run also polls
 *   cold and warm with DATABASE_URL set (a fresh database per run), beside the JSON store, and records the
 *   database's own counters (transactions, rows, blocks) per cycle.
 * @returns per size: medians of wall time, cycle time, CPU time, peak RSS for feedkurator cold/warm and the baseline.
 */
export async function benchPoll({ fixture, size, runs, log, inThread = false, postgres }) {
  const sources = fixture.sources(size);
  const articles = sources.reduce((n, s) => n + s.items, 0);
  const sourceBytes = sources.reduce((n, s) => n + s.bytes, 0);
  const dir = makeRunDir(`poll-${size}`);
  const urlFile = join(dir, 'urls.json');
  writeFileSync(urlFile, JSON.stringify(sources.map((s) => s.url)));
  const samples = { baseline: [], cold: [], warm: [], coldInThread: [], pgCold: [], pgWarm: [] };
  const problems = new Set();

  for (let run = 0; run < runs; run++) {
    const order = run % 2 === 0 ? ['baseline', 'feedkurator'] : ['feedkurator', 'baseline'];
    for (const which of order) {
      if (which === 'baseline') {
        const res = await runMeasured(BASELINE, [urlFile, String(CONCURRENCY)]);
        const out = JSON.parse(res.stdout.trim().split('\n').pop());
        if (out.failed > 0 || out.items !== articles) problems.add(`baseline read ${out.items}/${articles} items, ${out.failed} failed`);
        samples.baseline.push({ wallMs: res.wallMs, rssKb: res.maxRssKb, cpuMs: cpuOf(res), mainMs: res.mainThreadMs });
      } else {
        const { cold, warm } = await pollColdAndWarm({ fixture, sources, dir: join(dir, `run-${run}`), problems });
        samples.cold.push(cold);
        samples.warm.push(warm);
        if (postgres) {
          const url = await postgres.createDatabase();
          const pg = await pollColdAndWarm({ fixture, sources, dir: join(dir, `run-${run}-pg`), problems, env: { DATABASE_URL: url }, stats: () => postgres.stats(url) });
          samples.pgCold.push(pg.cold);
          samples.pgWarm.push(pg.warm);
        }
        if (inThread) {
          const { cold: single } = await pollColdAndWarm({ fixture, sources, dir: join(dir, `run-${run}-in-thread`), problems, env: { FEEDKURATOR_READ_THREADS: '0' }, warm: false });
          samples.coldInThread.push(single);
        }
      }
    }
    const pgNote = postgres ? `, postgres cold ${Math.round(samples.pgCold.at(-1).wallMs)} ms warm ${Math.round(samples.pgWarm.at(-1).wallMs)} ms` : '';
    const inThreadNote = inThread ? `, cold in-thread ${Math.round(samples.coldInThread.at(-1).wallMs)} ms` : '';
    log(`poll ${size} sources, run ${run + 1}/${runs}: cold ${Math.round(samples.cold.at(-1).wallMs)} ms${inThreadNote}, warm ${Math.round(samples.warm.at(-1).wallMs)} ms${pgNote}, baseline ${Math.round(samples.baseline.at(-1).wallMs)} ms`);
  }
  rmSync(dir, { recursive: true, force: true });

  const med = (list, key) => median(list.map((s) => s[key]));
  return {
    size,
    runs,
    articles,
    sourceBytes,
    stored: samples.cold[0]?.new ?? 0,
    baseline: { wallMs: med(samples.baseline, 'wallMs'), rssKb: med(samples.baseline, 'rssKb'), cpuMs: med(samples.baseline, 'cpuMs'), mainMs: med(samples.baseline, 'mainMs') },
    cold: {
      wallMs: med(samples.cold, 'wallMs'),
      cycleMs: med(samples.cold, 'cycleMs'),
      cpuMs: med(samples.cold, 'cpuMs'),
      mainMs: med(samples.cold, 'mainMs'),
      rssKb: med(samples.cold, 'rssKb'),
      bodyBytes: med(samples.cold, 'bodyBytes'),
    },
    ...(inThread
      ? {
          coldInThread: {
            wallMs: med(samples.coldInThread, 'wallMs'),
            cycleMs: med(samples.coldInThread, 'cycleMs'),
            cpuMs: med(samples.coldInThread, 'cpuMs'),
            mainMs: med(samples.coldInThread, 'mainMs'),
            rssKb: med(samples.coldInThread, 'rssKb'),
          },
        }
      : {}),
    // Every run's cold/baseline pair, so that the spread on a busy machine stays visible.
    ratios: samples.cold.map((c, i) => c.wallMs / samples.baseline[i].wallMs),
    warm: {
      wallMs: med(samples.warm, 'wallMs'),
      cycleMs: med(samples.warm, 'cycleMs'),
      rssKb: med(samples.warm, 'rssKb'),
      bodyBytes: Math.max(...samples.warm.map((s) => s.bodyBytes)),
      notModified: Math.min(...samples.warm.map((s) => s.notModified)),
    },
    ...(postgres
      ? {
          postgres: Object.fromEntries(
            ['pgCold', 'pgWarm'].map((key) => [
              key === 'pgCold' ? 'cold' : 'warm',
              Object.fromEntries(['wallMs', 'cycleMs', 'cpuMs', 'rssKb', 'new', 'notModified', ...Object.keys(samples[key][0]?.db ?? {}).map((k) => `db.${k}`)].map((k) => [
                k,
                median(samples[key].map((s) => (k.startsWith('db.') ? s.db[k.slice(3)] : s[k]))),
              ])),
            ]),
          ),
        }
      : {}),
    problems: [...problems],
  };
}

async function pollColdAndWarm({ fixture, sources, dir, problems, env = {}, warm: withWarm = true, stats }) {
  mkdirSync(dir, { recursive: true });
  const { file } = writeBenchConfig(dir, { sources });
  const poll = async () => {
    fixture.resetCounters();
    const before = await stats?.();
    const res = await startMeasured(CLI, ['poll', '--json', '--config', file], { env }).done;
    const after = await stats?.();
    if (res.code !== 0) throw new Error(`feedkurator poll exited with ${res.code ?? res.signal}: ${lastLines(res.stderr)}`);
    const summary = JSON.parse(res.stdout.trim().split('\n').pop());
    if (summary.failed > 0) problems.add(`${summary.failed} sources failed, first: ${summary.errors[0]?.source}: ${summary.errors[0]?.error}`);
    const db = before && Object.fromEntries(Object.keys(after).map((k) => [k, Number(after[k]) - Number(before[k])]));
    return { res, summary, served: { ...fixture.counters }, ...(db ? { db } : {}) };
  };
  const cold = await poll();
  if (!withWarm) {
    rmSync(dir, { recursive: true, force: true });
    return { cold: { wallMs: cold.res.wallMs, cycleMs: cold.summary.durationMs, cpuMs: cpuOf(cold.res), mainMs: cold.res.mainThreadMs, rssKb: cold.res.maxRssKb } };
  }
  const warm = await poll();
  if (warm.summary.notModified !== sources.length) problems.add(`warm cycle: only ${warm.summary.notModified}/${sources.length} sources answered 304`);
  rmSync(dir, { recursive: true, force: true });
  const sample = ({ res, summary, served, db }) => ({
    ...(db ? { db } : {}),
    wallMs: res.wallMs,
    cycleMs: summary.durationMs,
    cpuMs: cpuOf(res),
    mainMs: res.mainThreadMs,
    rssKb: res.maxRssKb,
    new: summary.new,
    notModified: summary.notModified,
    bodyBytes: served.bodyBytes,
  });
  return { cold: sample(cold), warm: sample(warm) };
}

/** User + system CPU of a measured child, all its threads together. */
function cpuOf(res) {
  return (res.userMs ?? 0) + (res.systemMs ?? 0);
}
