/**
 * Baseline for "serve start to first 200": the least a server over the same
 * store must do — read every store file (manifest, day segments, retired,
 * topics), JSON.parse it, listen, answer.
 *
 * Usage: PORT=N node bare-start.mjs STORE_PATH
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { listStoreFiles } from './store-files.mjs';

const docs = listStoreFiles(process.argv[2]).map((file) => JSON.parse(readFileSync(file, 'utf8')));
const articles = docs.reduce((sum, doc) => sum + (Array.isArray(doc.articles) ? doc.articles.length : 0), 0);
const body = Buffer.from(`${articles} articles in ${docs.length} files\n`);
const server = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length }).end(body);
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
