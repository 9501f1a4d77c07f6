/**
 * Baseline for "serve start to first 200": the least a server over the same
 * store must do — read the file, JSON.parse it, listen, answer.
 *
 * Usage: PORT=N node bare-start.mjs STORE_PATH
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const data = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const body = Buffer.from(`${data.articles.length} articles\n`);
const server = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length }).end(body);
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
