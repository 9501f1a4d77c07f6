/**
 * The one results table: every row is feedkurator next to the baseline
 * measured in the same run, the ratio, and the goal from issue 8 where it
 * sets one. Markdown, so the same text goes to the terminal and BENCHMARKS.md.
 */
import { formatMb, formatMs, formatRate, formatRatio } from './stats.mjs';

const HEAD = ['Benchmark', 'Size', 'feedkurator', 'Baseline (same run)', 'Ratio', 'Goal', ''];

export function buildRows(results) {
  const rows = [];
  for (const p of results.poll ?? []) {
    const size = `${p.size} sources, ${p.articles.toLocaleString('en-US')} articles`;
    const coldRatio = p.cold.wallMs / p.baseline.wallMs;
    rows.push([
      'Poll cycle, cold (`poll --json`, empty store)',
      size,
      `${formatMs(p.cold.wallMs)} (cycle ${formatMs(p.cold.cycleMs)}), ${formatRate(p.articles / (p.cold.wallMs / 1000), 'articles/s')}, CPU ${formatMs(p.cold.cpuMs)} (main thread ${formatMs(p.cold.mainMs)}), peak RSS ${formatMb(p.cold.rssKb)}`,
      `${formatMs(p.baseline.wallMs)}, ${formatRate(p.articles / (p.baseline.wallMs / 1000), 'articles/s')}, CPU ${formatMs(p.baseline.cpuMs)} (main thread ${formatMs(p.baseline.mainMs)}), peak RSS ${formatMb(p.baseline.rssKb)}`,
      `${formatRatio(coldRatio)}${p.ratios?.length > 1 ? ` (runs ${p.ratios.map((r) => r.toFixed(2)).join(', ')})` : ''}`,
      '≤ 1.5×',
      verdict(coldRatio <= 1.5, p.problems),
    ]);
    if (p.coldInThread) {
      const ratio = p.coldInThread.wallMs / p.baseline.wallMs;
      rows.push([
        'Poll cycle, cold, reading in the main thread (`FEEDKURATOR_READ_THREADS=0`)',
        size,
        `${formatMs(p.coldInThread.wallMs)} (cycle ${formatMs(p.coldInThread.cycleMs)}), CPU ${formatMs(p.coldInThread.cpuMs)} (main thread ${formatMs(p.coldInThread.mainMs)}), peak RSS ${formatMb(p.coldInThread.rssKb)}`,
        `${formatMs(p.baseline.wallMs)}, CPU ${formatMs(p.baseline.cpuMs)}`,
        formatRatio(ratio),
        '–',
        '',
      ]);
    }
    const warmShare = p.warm.cycleMs / p.cold.cycleMs;
    const warmWallShare = p.warm.wallMs / p.cold.wallMs;
    rows.push([
      'Poll cycle, warm (all sources 304)',
      size,
      `cycle ${formatMs(p.warm.cycleMs)}, process ${formatMs(p.warm.wallMs)}, ${p.warm.bodyBytes} body bytes served, peak RSS ${formatMb(p.warm.rssKb)}`,
      `cold cycle ${formatMs(p.cold.cycleMs)}, cold process ${formatMs(p.cold.wallMs)}`,
      `${pct(warmShare)} of cold (process: ${pct(warmWallShare)})`,
      '< 10 %, 0 bytes',
      verdict(warmShare < 0.1 && p.warm.bodyBytes === 0 && p.warm.notModified === p.size, p.problems),
    ]);
  }
  for (const s of results.storeWrite ?? []) {
    const ratio = s.feedkurator.writeMs / s.baseline.writeMs;
    rows.push([
      'Store write (atomic, after a poll)',
      `${s.articles.toLocaleString('en-US')} articles, ${(s.fileBytes / 1e6).toFixed(0)} MB file`,
      `${formatMs(s.feedkurator.writeMs)} (open ${formatMs(s.feedkurator.openMs)}), peak RSS ${formatMb(s.feedkurator.rssKb)}`,
      `stringify + writeFile ${formatMs(s.baseline.writeMs)} (parse ${formatMs(s.baseline.openMs)}), peak RSS ${formatMb(s.baseline.rssKb)}`,
      formatRatio(ratio),
      '–',
      '',
    ]);
  }
  for (const s of results.serveStart ?? []) {
    rows.push([
      '`serve` start → first 200 on /feed.xml',
      `${s.articles.toLocaleString('en-US')} articles`,
      `${formatMs(s.feedkurator.firstOkMs)}, peak RSS ${formatMb(s.feedkurator.rssKb)}`,
      `read + JSON.parse + listen ${formatMs(s.baseline.firstOkMs)}, peak RSS ${formatMb(s.baseline.rssKb)}`,
      formatRatio(s.feedkurator.firstOkMs / s.baseline.firstOkMs),
      '–',
      '',
    ]);
  }
  if (results.serving) {
    for (const r of results.serving.results) {
      // The median of the runs' paired ratios (serve.mjs), or, in results written before it, the medians' ratio.
      const ratio = r.ratio ?? r.feedkurator.rps / r.baseline.rps;
      const runs = r.ratios?.length > 1 ? `; runs ${r.ratios.map((x) => x.toFixed(2)).join(', ')}` : '';
      rows.push([
        `Serving ${r.scenario}`,
        `${results.serving.connections} connections, keep-alive${r.bytes ? `, ${(r.bytes / 1024).toFixed(0)} KB body` : ''}`,
        `${formatRate(r.feedkurator.rps, 'req/s')}, p50 ${r.feedkurator.p50} ms, p99 ${r.feedkurator.p99} ms${cpuPerRequest(r.feedkurator)}`,
        `bare node:http ${formatRate(r.baseline.rps, 'req/s')}, p50 ${r.baseline.p50} ms, p99 ${r.baseline.p99} ms${cpuPerRequest(r.baseline)}`,
        `${formatRatio(ratio)}${r.feedkurator.cpuUs ? ` (CPU per request: ${formatRatio(r.baseline.cpuUs / r.feedkurator.cpuUs)}${runs})` : runs ? ` (${runs.slice(2)})` : ''}`,
        '≥ 0.8×',
        verdict(ratio >= 0.8),
      ]);
    }
  }
  if (results.classify) {
    const c = results.classify;
    rows.push([
      'Classification, default topic rules',
      `${c.articles.toLocaleString('en-US')} normalized articles`,
      formatRate(c.feedkuratorPerSecond, 'articles/s'),
      `naive substring match ${formatRate(c.baselinePerSecond, 'articles/s')}`,
      formatRatio(c.feedkuratorPerSecond / c.baselinePerSecond),
      '–',
      '',
    ]);
  }
  if (results.normalize) {
    const n = results.normalize;
    rows.push([
      'Normalize, CPU per item',
      `${n.items.toLocaleString('en-US')} generated items`,
      `${n.normalizeUs.toFixed(0)} µs; summary from a body in one pass ${n.onePassUs.toFixed(0)} µs`,
      `sanitize, then parse again ${n.twoPassUs.toFixed(0)} µs`,
      formatRatio(n.onePassUs / n.twoPassUs),
      '–',
      '',
    ]);
  }
  if (results.rebuild) {
    const r = results.rebuild;
    const size = `${r.articles.toLocaleString('en-US')} articles → ${r.entries.toLocaleString('en-US')} curated, ${r.routes} routes`;
    rows.push([
      'Feed rebuild after a rules change',
      size,
      `${formatMs(r.rulesChangeMs)} (classify + cluster ${formatMs(r.curateMs)}), peak RSS ${formatMb(r.rssKb)}`,
      `\`feed\` library alone ${formatMs(r.baselineMs)}`,
      formatRatio(r.rulesChangeMs / r.baselineMs),
      '–',
      '',
    ]);
    rows.push([
      'Feed rebuild after a poll (1 % changed)',
      size,
      formatMs(r.afterPollMs),
      `\`feed\` library alone ${formatMs(r.baselineMs)}`,
      formatRatio(r.afterPollMs / r.baselineMs),
      '–',
      '',
    ]);
  }
  return rows;
}

export function renderTable(rows) {
  const lines = [HEAD, HEAD.map(() => '---'), ...rows].map((cells) => `| ${cells.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}

function verdict(ok, problems = []) {
  if (problems.length > 0) return '⚠ see notes';
  return ok ? '✓' : '✗';
}

function pct(share) {
  return Number.isFinite(share) ? `${(share * 100).toFixed(share < 0.1 ? 1 : 0)} %` : '–';
}

/** Server CPU per request (records from before it was measured have none). */
function cpuPerRequest(side) {
  return side.cpuUs ? `, ${side.cpuUs.toFixed(1)} µs CPU/request` : '';
}
