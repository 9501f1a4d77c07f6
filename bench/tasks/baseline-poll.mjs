/**
 * The floor of a poll cycle: download every body with undici (gzip, as
 * feedkurator asks for it) and parse it with rss-parser, at the same
 * concurrency, nothing else — no sanitizing, no dedupe, no store.
 *
 * Usage: node baseline-poll.mjs SOURCES.json CONCURRENCY
 * Prints {"items":N,"bytes":N,"failed":N,"ms":N}.
 */
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import Parser from 'rss-parser';
import { Agent } from 'undici';

const gunzipAsync = promisify(gunzip);
const [file, concurrencyArg] = process.argv.slice(2);
const urls = JSON.parse(readFileSync(file, 'utf8'));
const concurrency = Number(concurrencyArg ?? 8);
const agent = new Agent({ connections: 2, keepAliveTimeout: 4_000 });
const parser = new Parser();

const started = performance.now();
let next = 0;
let items = 0;
let bytes = 0;
let failed = 0;

async function worker() {
  while (next < urls.length) {
    const url = new URL(urls[next++]);
    try {
      const res = await agent.request({ origin: url.origin, path: url.pathname, method: 'GET', headers: { 'accept-encoding': 'gzip' } });
      let body = Buffer.from(await res.body.arrayBuffer());
      if (res.headers['content-encoding'] === 'gzip') body = await gunzipAsync(body);
      bytes += body.length;
      const latin = /iso-8859-1/i.test(String(res.headers['content-type']));
      const feed = await parser.parseString(body.toString(latin ? 'latin1' : 'utf8'));
      items += feed.items.length;
    } catch (err) {
      failed++;
      process.stderr.write(`${url}: ${err.message}\n`);
    }
  }
}

await Promise.all(Array.from({ length: concurrency }, worker));
const ms = performance.now() - started;
await agent.close();
process.stdout.write(`${JSON.stringify({ items, bytes, failed, ms })}\n`);
