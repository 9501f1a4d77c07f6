/**
 * The serving baseline: a bare node:http server answering with exactly the
 * bytes and headers feedkurator answered with (captured by the runner), with
 * the minimum of logic — pick gzip or identity, compare If-None-Match.
 *
 * Usage: PORT=N node bare-server.mjs SPEC.json
 * SPEC: {"identity":{headers,body(base64)}, "gzip":{…}, "notModified":{headers}}
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const variants = {};
for (const coding of ['identity', 'gzip']) {
  variants[coding] = { headers: spec[coding].headers, body: Buffer.from(spec[coding].body, 'base64'), etag: spec[coding].headers.etag };
}
const server = createServer({ keepAliveTimeout: 5_000 }, (req, res) => {
  const variant = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '') ? variants.gzip : variants.identity;
  if (req.headers['if-none-match'] === variant.etag) {
    res.writeHead(304, spec.notModified.headers).end();
    return;
  }
  res.writeHead(200, variant.headers).end(variant.body);
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
