/**
 * Benchmark (not a test): /feed.xml with keep-alive from our server versus a
 * bare node:http server answering the same bytes, in the same run, each in its
 * own child process so the load generator does not share their event loop.
 *
 *   npx tsx tests/server/bench-feed-server.ts [seconds=5] [connections=10]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { createSilentLogger } from '../../src/log/logger.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { buildPublication, compressPublication } from '../../src/publish/build-publication.js';
import { startServer } from '../../src/server/http-server.js';
import { ALL_ENTRIES, loadTestConfig, manyEntries } from '../fixtures/publish/german-linux-news.js';

// autocannon ships no types; this is the part of its API the benchmark uses.
interface CannonResult {
  requests: { average: number };
  latency: { p99: number };
  throughput: { average: number };
  non2xx: number;
  errors: number;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (options: {
  url: string;
  connections: number;
  duration: number;
  headers: Record<string, string>;
}) => Promise<CannonResult>;

const role = process.argv[2];

function publication() {
  const config = loadTestConfig(`${CONFIG_FOR_BENCH}`);
  return buildPublication({ entries: [...ALL_ENTRIES, ...manyEntries(200)], config, generatedAt: new Date() });
}
const CONFIG_FOR_BENCH = `
topics:
  kernel: { include: [kernel] }
  containers: { include: [container] }
  hosting: { include: [hosting] }
feed: { maxItems: 100 }
`;

async function serveOurs(): Promise<void> {
  const started = performance.now();
  const pub = await compressPublication(publication());
  const buildMs = performance.now() - started;
  const server = await startServer(
    { getPublication: () => pub, getHealth: () => ({ httpStatus: 200, body: {} }), metrics: createMetrics(), logger: createSilentLogger() },
    { host: '127.0.0.1', port: 0 },
  );
  const res = pub.resources.get('/feed.xml');
  process.stdout.write(JSON.stringify({ port: server.port, buildMs, bytes: res?.bodies.identity.length, gzip: res?.bodies.gzip?.length, br: res?.bodies.br?.length }) + '\n');
}

async function serveBare(): Promise<void> {
  const resource = publication().resources.get('/feed.xml');
  if (!resource) throw new Error('no /feed.xml');
  const body = resource.bodies.identity;
  const server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': resource.contentType, 'Content-Length': body.length });
    res.end(body);
  });
  server.keepAliveTimeout = 5_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }) + '\n');
  });
}

function startChild(which: string): Promise<{ child: ChildProcess; info: Record<string, number> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), which], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout?.once('data', (chunk: Buffer) => resolve({ child, info: JSON.parse(chunk.toString()) as Record<string, number> }));
    child.once('error', reject);
  });
}

async function measure(port: number, seconds: number, connections: number, headers: Record<string, string> = {}) {
  const result = await autocannon({ url: `http://127.0.0.1:${port}/feed.xml`, connections, duration: seconds, headers });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`bench saw ${result.non2xx} non-2xx and ${result.errors} errors`);
  return { rps: result.requests.average, p99: result.latency.p99, mbps: result.throughput.average / 1e6 };
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 5);
  const connections = Number(process.argv[3] ?? 10);
  const ours = await startChild('serve-ours');
  const bare = await startChild('serve-bare');
  try {
    const warm = Math.max(1, Math.round(seconds / 5));
    await measure(ours.info.port as number, warm, connections);
    await measure(bare.info.port as number, warm, connections);
    const rounds: { ours: Awaited<ReturnType<typeof measure>>; bare: Awaited<ReturnType<typeof measure>> }[] = [];
    for (let i = 0; i < 2; i++) {
      rounds.push({ bare: await measure(bare.info.port as number, seconds, connections), ours: await measure(ours.info.port as number, seconds, connections) });
    }
    const br = await measure(ours.info.port as number, seconds, connections, { 'accept-encoding': 'br' });
    const best = (pick: (r: (typeof rounds)[number]) => { rps: number; p99: number }) => rounds.map(pick).sort((a, b) => b.rps - a.rps)[0]!;
    const o = best((r) => r.ours);
    const b = best((r) => r.bare);
    console.log(JSON.stringify({ feedBytes: ours.info.bytes, gzipBytes: ours.info.gzip, brBytes: ours.info.br, buildMs: Math.round(ours.info.buildMs as number), connections, seconds, rounds }, null, 1));
    console.log(`/feed.xml identity: feedkurator ${o.rps.toFixed(0)} req/s p99 ${o.p99} ms | bare node:http ${b.rps.toFixed(0)} req/s p99 ${b.p99} ms | ratio ${(o.rps / b.rps).toFixed(2)}`);
    console.log(`/feed.xml br: feedkurator ${br.rps.toFixed(0)} req/s p99 ${br.p99} ms, ${br.mbps.toFixed(1)} MB/s`);
  } finally {
    ours.child.kill();
    bare.child.kill();
  }
}

if (role === 'serve-ours') await serveOurs();
else if (role === 'serve-bare') await serveBare();
else await main();
