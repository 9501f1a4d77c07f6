/** Child-process helper for the id-stability test: prints the ids every format publishes, as JSON. */
import { buildPublication, renderFeed } from '../../src/publish/build-publication.js';
import { ALL_ENTRIES, loadTestConfig } from '../fixtures/publish/german-linux-news.js';
import { collectIds } from './collect-ids.js';

const publication = buildPublication({ entries: ALL_ENTRIES, config: loadTestConfig(), generatedAt: new Date() });
process.stdout.write(
  JSON.stringify({
    rss: collectIds(renderFeed(publication, 'rss') ?? '', 'rss'),
    atom: collectIds(renderFeed(publication, 'atom') ?? '', 'atom'),
    json: collectIds(renderFeed(publication, 'json') ?? '', 'json'),
  }),
);
