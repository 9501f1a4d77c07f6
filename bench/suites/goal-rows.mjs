/**
 * The goal table of issue 11: one row per goal and size, feedkurator next
 * to its same-run baseline, the ratio and the goal. Rendered with the same
 * columns as the main table (lib/table.mjs renderTable).
 */
import { formatMb, formatMs, formatRatio } from '../lib/stats.mjs';

const n = (x) => x.toLocaleString('en-US');
const kb = (bytes) => (bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} KB`);
const mark = (ok, problems = []) => (problems.length > 0 ? '⚠ see notes' : ok ? '✓' : '✗');
const big = (articles) => articles >= 40_000;

export function buildGoalRows(goals) {
  const rows = [];
  const w = goals.warmWrite;
  if (w) {
    const share = w.bytesWritten / w.storeBytes;
    rows.push([
      'Warm poll (all sources 304): bytes written',
      `${w.sources} sources, ${n(w.articles)} articles, store ${kb(w.storeBytes)} in ${w.files} files`,
      `${n(w.bytesWritten)} bytes (${w.changedFiles.join(', ') || 'no file'})`,
      `whole store rewritten (old engine): ${n(w.storeBytes)} bytes`,
      `${(share * 100).toFixed(2)} % of the store`,
      '≤ 1 %',
      mark(share <= 0.01, w.problems),
    ]);
  }
  for (const f of goals.storeFlush ?? []) {
    rows.push([
      'Store write, poll adding 1 % new articles',
      `${n(f.articles)} articles + ${n(f.newArticles)} new${describeChanges(f.feedkurator.changes)}, store ${kb(f.storeBytes)}`,
      `flush ${formatMs(f.feedkurator.writeMs)}, ${kb(f.feedkurator.bytes)} in ${f.feedkurator.files} files (${describeWritten(f.feedkurator.written)})`,
      `stringify + writeFile of the whole store ${formatMs(f.baseline.writeMs)}, ${kb(f.baseline.bytes)}`,
      formatRatio(f.feedkurator.writeMs / f.baseline.writeMs),
      '≤ 50 ms',
      mark(f.feedkurator.writeMs <= 50),
    ]);
  }
  for (const s of goals.serveStart ?? []) {
    const limit = big(s.articles) ? 1000 : 500;
    for (const [kind, label] of [
      ['cold', 'no snapshot, no story words (the first `serve` of a store only `poll` has written)'],
      ['snapshot', 'from the publication snapshot'],
      ['refused', 'no snapshot, the store\'s derived files kept (snapshot refused or gone)'],
      ['edited', 'after a rules edit made while stopped (the last publication served while the edited rules are applied)'],
    ]) {
      if (!s[kind]) continue;
      rows.push([
        `\`serve\` start → first 200 on /feed.xml, ${label}`,
        `${n(s.articles)} articles`,
        `${formatMs(s[kind].firstOkMs)}, peak RSS ${formatMb(s[kind].rssKb)}`,
        `read + JSON.parse + listen ${formatMs(s.baseline.firstOkMs)}`,
        formatRatio(s[kind].firstOkMs / s.baseline.firstOkMs),
        `≤ ${formatMs(limit)}`,
        mark(s[kind].firstOkMs <= limit),
      ]);
    }
    const rssLimit = big(s.articles) ? 300 : 150;
    for (const [key, label] of [
      ['idleRssKb', `${s.idleMs / 1000} s after the first cycle`],
      ['steadyRssKb', `${(s.steadyMs ?? 0) / 1000} s after the first cycle (steady)`],
    ]) {
      if (s.cold[key] === undefined) continue;
      const idle = Math.max(s.cold[key], s.snapshot[key]);
      rows.push([
        `\`serve\` RSS when idle, ${label}`,
        `${n(s.articles)} articles`,
        `${formatMb(s.cold[key])} (after a start with the snapshot: ${formatMb(s.snapshot[key])})`,
        `read + JSON.parse + listen, idle: ${formatMb(s.baseline[key])}`,
        formatRatio(idle / s.baseline[key]),
        `≤ ${rssLimit} MB`,
        mark(idle / 1024 <= rssLimit),
      ]);
    }
  }
  const l = goals.latency;
  if (l) {
    for (const [key, label] of [
      ['rules', 'during a rules edit'],
      ['poll', 'during a poll with new articles'],
    ]) {
      rows.push([
        `/feed.xml p99 ${label}`,
        `${n(l.articles)} articles, ${l.connections} connections, keep-alive, gzip`,
        `p99 ${l[key].p99} ms, max ${l[key].max} ms, ${n(Math.round(l[key].rps))} req/s (${formatMs(l[key].windowMs)} window)`,
        `no rebuild: p99 ${l.idle.p99} ms, max ${l.idle.max} ms, ${n(Math.round(l.idle.rps))} req/s (${formatMs(l.idle.windowMs)} window)`,
        formatRatio(l[key].p99 / l.idle.p99),
        '≤ 20 ms',
        mark(l[key].p99 <= 20, l.problems),
      ]);
    }
  }
  const r = goals.rebuild;
  if (r) {
    rows.push([
      'Rebuild after a 1 % change (warm `serve`: change → new publication swapped in)',
      `${n(r.articles)} articles + ${n(r.newArticles)} new → ${n(r.entries)} entries, ${r.routes} routes`,
      `${formatMs(r.totalMs)}: select ${formatMs(r.selectMs)} (stories clustered ${formatMs(r.clusterMs)}), render ${formatMs(r.renderMs)}; gzip + br after the swap, all bodies compressed at ${formatMs(r.compressedMs)} (compress ${formatMs(r.compressMs)}); CPU ${formatMs(r.cpuMs)} (all threads, to compressed; main thread ${formatMs(r.mainCpuMs)}), longest event-loop block ${formatMs(r.blockMs)}`,
      `\`feed\` library alone ${formatMs(r.baselineMs)}`,
      formatRatio(r.totalMs / r.baselineMs),
      '≤ 50 ms',
      mark(r.totalMs <= 50),
    ]);
  }
  for (const e of goals.rulesEdit ?? []) {
    const limit = big(e.articles) ? '≤ 1 s, off the request path' : 'off the request path';
    // The usual edit (a term few texts hold), then the edits that cost more: each a row of its own, marked by the same goal.
    // Measured to the new publication served (the older articles are classified after it); the time until every topic is stored beside it.
    for (const [label, ms, allMs, blockMs] of [
      ['', e.swapMs, e.applyMs, e.blockMs],
      [', the first after a restart', e.firstSwapMs, e.firstApplyMs, e.firstBlockMs],
      [', a term most texts hold (every text read and classified again)', e.commonSwapMs, e.commonTermMs, e.commonBlockMs],
      [', before any word filter was written (the first edit on a store)', e.firstEverSwapMs, e.firstEverApplyMs, e.firstEverBlockMs],
    ]) {
      if (ms === undefined) continue;
      const ok = (!big(e.articles) || ms <= 1000) && (blockMs === undefined || blockMs <= 20);
      rows.push([
        `Rebuild after a rules edit (\`Daemon.applyConfig\`: edit → new publication served)${label}`,
        `${n(e.articles)} articles`,
        `${formatMs(ms)}; every article's topics stored at ${formatMs(allMs)}${blockMs === undefined ? '' : `; longest event-loop block ${formatMs(blockMs)}`}`,
        `classify every article in one pass ${formatMs(e.baselineMs)} (blocks for all of it)`,
        formatRatio(ms / e.baselineMs),
        `${limit} (block ≤ 20 ms)`,
        mark(ok),
      ]);
    }
  }
  return rows;
}

/** The files a flush replaced: day segments summed up, the others by name. */
/** What the merge wrote besides the new articles: older ones that changed (most often a head only: another source carries them). */
function describeChanges(c) {
  if (!c) return '';
  const older = c.text + c.headOnly;
  return older > 0 ? ` (and ${n(older)} older ones changed${c.headOnly === older ? ', heads only' : ''}, over ${c.days} days)` : '';
}

function describeWritten(written) {
  const segments = written.filter((x) => x.file.includes('.articles-'));
  const others = written.filter((x) => !x.file.includes('.articles-')).map((x) => `${x.file.replace('feedkurator.', '').replace(/^json$/, 'manifest').replace(/^journal-[0-9]+[.]json$/, 'journal')} ${kb(x.bytes)}`);
  const total = segments.reduce((sum, x) => sum + x.bytes, 0);
  return [segments.length > 0 ? `${segments.length} day segments ${kb(total)}` : undefined, ...others].filter(Boolean).join(', ');
}
