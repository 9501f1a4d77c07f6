/**
 * JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), written by us: the
 * `feed` package writes version 1 without item ids. JSON.stringify does all
 * the escaping; "</" is additionally escaped so that the document stays inert
 * even if something embeds it in HTML.
 *
 * The document is written as JSON.stringify(document, null, 2) would write
 * it, but item by item: an item's text depends on the item alone, so a
 * rebuild reuses the text of unchanged items (entry-fragments.ts).
 */
import type { FeedItem, FeedModel } from './feed-model.js';
import type { FeedUrls } from './render-xml-feeds.js';
import { escapeMarkup } from './xml-text.js';

export function renderJsonFeed(model: FeedModel, urls: FeedUrls): string {
  return joinJsonFeed(renderJsonFeedHead(model, urls), model.items.map((item) => renderJsonFeedItem(item, model.language)));
}

/** The document's fields before "items", as an unclosed object. */
export function renderJsonFeedHead(model: FeedModel, urls: FeedUrls): string {
  const head = {
    version: 'https://jsonfeed.org/version/1.1',
    title: model.title,
    home_page_url: model.homeUrl,
    feed_url: urls.json,
    description: model.description,
    language: model.language,
    authors: [{ name: 'feedkurator', url: model.homeUrl }],
  };
  // Drop the closing "\n}": the items follow.
  return inert(JSON.stringify(head, null, 2).slice(0, -2));
}

/** One element of "items", indented as the second level of the document. */
export function renderJsonFeedItem(item: FeedItem, language: string): string {
  const json = {
    id: item.guid,
    url: item.url,
    title: item.title,
    content_html: item.contentHtml || `<p>${escapeMarkup(item.title)}</p>`,
    ...(item.summary ? { summary: item.summary } : {}),
    date_published: item.published.toISOString(),
    date_modified: item.updated.toISOString(),
    authors: [{ name: item.author ?? item.source.name, ...(item.source.siteUrl ? { url: item.source.siteUrl } : {}) }],
    tags: item.topics.map((t) => t.name),
    language,
    ...(item.enclosures.length > 0
      ? { attachments: item.enclosures.map((e) => ({ url: e.url, mime_type: e.type, ...(e.length ? { size_in_bytes: e.length } : {}) })) }
      : {}),
    _feedkurator: {
      article_id: item.articleId,
      source: { name: item.source.name, ...(item.source.feedUrl ? { feed_url: item.source.feedUrl } : {}) },
      topics: item.topics,
      also_at: item.alsoAt.map((o) => ({ source: o.source, title: o.title, ...(o.url ? { url: o.url } : {}) })),
    },
  };
  // JSON.stringify escapes every newline inside strings: each "\n" here separates lines.
  return inert(`    ${JSON.stringify(json, null, 2).replace(/\n/g, '\n    ')}`);
}

export function joinJsonFeed(head: string, items: readonly string[]): string {
  return items.length === 0 ? `${head},\n  "items": []\n}\n` : `${head},\n  "items": [\n${items.join(',\n')}\n  ]\n}\n`;
}

function inert(json: string): string {
  return json.replace(/<\//g, '<\\/');
}
