/**
 * The HTML page at "/": the latest curated articles grouped by day, for a
 * person rather than a feed reader. No JavaScript; every value escaped; links
 * relative so the page works behind any host name or path prefix.
 */
import type { FeedItem, FeedModel, TopicRef } from './feed-model.js';
import { anchorFor } from './feed-model.js';
import { PAGE_STYLE } from './page-style.js';
import { escapeMarkup as esc } from './xml-text.js';

export interface PageInput {
  model: FeedModel;
  topics: TopicRef[];
  sourceCount: number;
  timezone: string;
}

const TEASER_CHARS = 240;

interface PageFormats {
  day: Intl.DateTimeFormat;
  key: Intl.DateTimeFormat;
  time: Intl.DateTimeFormat;
  stamp: Intl.DateTimeFormat;
}

// Making a DateTimeFormat loads ICU data for the zone: once per zone, not on every rebuild.
const formatsByZone = new Map<string, PageFormats>();

function formatsFor(timeZone: string): PageFormats {
  let formats = formatsByZone.get(timeZone);
  if (!formats) {
    formats = {
      day: new Intl.DateTimeFormat('de-DE', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone }),
      key: new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone }),
      time: new Intl.DateTimeFormat('de-DE', { hour: '2-digit', minute: '2-digit', timeZone }),
      stamp: new Intl.DateTimeFormat('de-DE', { dateStyle: 'long', timeStyle: 'short', timeZone }),
    };
    formatsByZone.set(timeZone, formats);
  }
  return formats;
}

export function renderPage(input: PageInput): string {
  const { model, topics } = input;
  const { day: dayFormat, key: keyFormat, time: timeFormat, stamp: stampFormat } = formatsFor(input.timezone);

  const days = new Map<string, FeedItem[]>();
  for (const item of model.items) {
    const key = articleOf(item, input.timezone, keyFormat, timeFormat).day;
    const list = days.get(key) ?? [];
    list.push(item);
    days.set(key, list);
  }

  const sections = [...days.entries()].map(([key, items]) => {
    const first = items[0] as FeedItem;
    const heading = `<h2 class="day"><time datetime="${key}">${esc(dayFormat.format(first.published))}</time></h2>`;
    const articles = items.map((item) => articleOf(item, input.timezone, keyFormat, timeFormat).html).join('\n');
    return `<section aria-label="${esc(dayFormat.format(first.published))}">\n${heading}\n${articles}\n</section>`;
  });

  const status =
    model.items.length > 0
      ? `${model.items.length} Artikel · zuletzt aktualisiert ${esc(stampFormat.format(model.updated))} Uhr`
      : 'noch keine Artikel';

  return `<!doctype html>
<html lang="${esc(model.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="strict-origin-when-cross-origin">
<title>${esc(model.title)}</title>
<meta name="description" content="${esc(model.description)}">
<link rel="alternate" type="application/rss+xml" title="${esc(model.title)} (RSS)" href="feed.xml">
<link rel="alternate" type="application/atom+xml" title="${esc(model.title)} (Atom)" href="feed.atom">
<link rel="alternate" type="application/feed+json" title="${esc(model.title)} (JSON Feed)" href="feed.json">
<style>${PAGE_STYLE}</style>
</head>
<body>
<div class="wrap">
<header class="top">
<h1>${esc(model.title)}</h1>
<p>${esc(model.description)}</p>
<p>${status}</p>
</header>
${renderSubscribe(topics)}
<main>
${sections.length > 0 ? sections.join('\n') : renderEmpty(topics, input.sourceCount)}
</main>
<footer>Kuratiert von feedkurator aus ${input.sourceCount} ${input.sourceCount === 1 ? 'Quelle' : 'Quellen'} · <a href="sources.opml">Quellen (OPML)</a> · <a href="healthz">Status</a></footer>
</div>
</body>
</html>
`;
}

// A feed item is immutable and reused by every build that shows the same entry (entry-fragments):
// its article markup and day are rendered once per time zone, not on every rebuild.
const articles = new WeakMap<FeedItem, { timezone: string; day: string; html: string }>();

function articleOf(item: FeedItem, timezone: string, keyFormat: Intl.DateTimeFormat, timeFormat: Intl.DateTimeFormat): { day: string; html: string } {
  let hit = articles.get(item);
  if (hit?.timezone !== timezone) {
    hit = { timezone, day: keyFormat.format(item.published), html: renderArticle(item, timeFormat) };
    articles.set(item, hit);
  }
  return hit;
}

function renderArticle(item: FeedItem, timeFormat: Intl.DateTimeFormat): string {
  const rel = item.hasOriginalLink ? ' rel="noopener"' : '';
  const topics = item.topics.map((t) => `<li>${esc(t.title)}</li>`).join('');
  const teaser = cutTeaser(item.summary);
  const also =
    item.alsoAt.length > 0
      ? `\n<p class="also">Auch bei: ${item.alsoAt
          .map((o) => (o.url ? `<a href="${esc(o.url)}" rel="noopener" title="${esc(o.title)}">${esc(o.source)}</a>` : esc(o.source)))
          .join(', ')}</p>`
      : '';
  return `<article id="${esc(anchorFor(item.articleId))}">
<h3><a href="${esc(item.url)}"${rel}>${esc(item.title)}</a></h3>
<div class="meta"><span>${esc(item.source.name)}</span><time datetime="${item.published.toISOString()}">${esc(timeFormat.format(item.published))} Uhr</time><ul class="topics" aria-label="Themen">${topics}</ul></div>${
    teaser ? `\n<p class="teaser">${esc(teaser)}</p>` : ''
  }${also}${renderWhy(item)}
</article>`;
}

/** The deciding terms per topic, as `feedkurator explain` gives them; folded away so they do not crowd the list. */
function renderWhy(item: FeedItem): string {
  if (item.why.length === 0) return '';
  const rows = item.why.map(({ topic, terms }) => `<li>${esc(topic.title)}: ${terms.map((t) => `<code>${esc(t)}</code>`).join(', ')}</li>`);
  return `\n<details class="why"><summary>Warum hier?</summary><ul aria-label="Passende Begriffe je Thema">${rows.join('')}</ul></details>`;
}

function renderSubscribe(topics: TopicRef[]): string {
  const row = (label: string, base: string): string =>
    `<li><span class="label">${esc(label)}</span><a href="${esc(base)}.xml">RSS</a><a href="${esc(base)}.atom">Atom</a><a href="${esc(base)}.json">JSON Feed</a></li>`;
  const rows = [row('Alle Themen', 'feed'), ...topics.map((t) => row(t.title, `topics/${encodeURIComponent(t.name)}`))];
  return `<nav class="subscribe" aria-label="Abonnieren">
<h2>Abonnieren</h2>
<ul>
${rows.join('\n')}
</ul>
</nav>`;
}

function renderEmpty(topics: TopicRef[], sourceCount: number): string {
  const names = topics.map((t) => t.title).join(', ');
  const why =
    sourceCount === 0
      ? 'Es ist noch keine Quelle eingerichtet. Trage Feeds unter <code>sources</code> in der Konfigurationsdatei ein; feedkurator liest sie ohne Neustart ein.'
      : `feedkurator hat in den ${sourceCount} ${sourceCount === 1 ? 'Quelle' : 'Quellen'} noch keinen Artikel zu den Themen ${esc(names)} gefunden. Die Quellen werden nach Zeitplan abgerufen; sobald ein passender Artikel erscheint, steht er hier und in allen Feeds. Ob die Abrufe gelingen, zeigt die <a href="healthz">Statusseite</a>.`;
  return `<div class="empty">
<h2>Noch keine Artikel kuratiert</h2>
<p>${why}</p>
<p>Die Feeds lassen sich trotzdem schon abonnieren – sie füllen sich von selbst.</p>
</div>`;
}

function cutTeaser(text: string): string {
  if (text.length <= TEASER_CHARS) return text;
  const cut = text.slice(0, TEASER_CHARS);
  const space = cut.lastIndexOf(' ');
  return `${(space > TEASER_CHARS * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.–-]+$/, '')} …`;
}
