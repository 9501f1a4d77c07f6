/**
 * JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), written by us: the
 * `feed` package writes version 1 without item ids. JSON.stringify does all
 * the escaping; "</" is additionally escaped so that the document stays inert
 * even if something embeds it in HTML.
 */
import type { FeedModel } from './feed-model.js';
import type { FeedUrls } from './render-xml-feeds.js';
import { escapeMarkup } from './xml-text.js';

export function renderJsonFeed(model: FeedModel, urls: FeedUrls): string {
  const document = {
    version: 'https://jsonfeed.org/version/1.1',
    title: model.title,
    home_page_url: model.homeUrl,
    feed_url: urls.json,
    description: model.description,
    language: model.language,
    authors: [{ name: 'feedkurator', url: model.homeUrl }],
    items: model.items.map((item) => ({
      id: item.guid,
      url: item.url,
      title: item.title,
      content_html: item.contentHtml || `<p>${escapeMarkup(item.title)}</p>`,
      ...(item.summary ? { summary: item.summary } : {}),
      date_published: item.published.toISOString(),
      date_modified: item.updated.toISOString(),
      authors: [{ name: item.author ?? item.source.name, ...(item.source.siteUrl ? { url: item.source.siteUrl } : {}) }],
      tags: item.topics.map((t) => t.name),
      language: model.language,
      ...(item.enclosures.length > 0
        ? { attachments: item.enclosures.map((e) => ({ url: e.url, mime_type: e.type, ...(e.length ? { size_in_bytes: e.length } : {}) })) }
        : {}),
      _feedkurator: {
        article_id: item.articleId,
        source: { name: item.source.name, ...(item.source.feedUrl ? { feed_url: item.source.feedUrl } : {}) },
        topics: item.topics,
        also_at: item.alsoAt.map((o) => ({ source: o.source, title: o.title, ...(o.url ? { url: o.url } : {}) })),
      },
    })),
  };
  return JSON.stringify(document, null, 2).replace(/<\//g, '<\\/') + '\n';
}
