/** OPML 2.0 (http://opml.org/spec2.opml) of the configured sources, for importing them into a reader. */
import { redactUrl } from '../config/redact-url.js';
import type { Config } from '../config/schema.js';
import { escapeMarkup, toSafeHttpUrl } from './xml-text.js';

export function renderOpml(config: Config): string {
  const outlines = config.sources.map((source) => {
    const site = toSafeHttpUrl(source.url);
    const attrs = [
      ['type', 'rss'],
      ['text', source.name],
      ['title', source.name],
      // A public page: never publish credentials a source URL may carry.
      ['xmlUrl', redactUrl(source.url)],
      ['htmlUrl', site ? new URL(site).origin + '/' : undefined],
      ['category', source.topics?.map((t) => `/${t}`).join(',')],
    ]
      .filter((pair): pair is [string, string] => Boolean(pair[1]))
      .map(([name, value]) => `${name}="${escapeMarkup(value)}"`)
      .join(' ');
    return `    <outline ${attrs}/>`;
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<opml version="2.0">',
    '  <head>',
    `    <title>${escapeMarkup(`${config.feed.title} – Quellen`)}</title>`,
    '    <docs>http://opml.org/spec2.opml</docs>',
    '  </head>',
    '  <body>',
    ...outlines,
    '  </body>',
    '</opml>',
    '',
  ].join('\n');
}
