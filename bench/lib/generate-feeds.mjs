/**
 * Realistic German news feeds for the benchmarks, byte-identical for a
 * given seed and anchor time. Source i gets a format by i % 10:
 *
 *   0-4  RSS 2.0, UTF-8 (half of them with content:encoded full text)
 *   5-6  Atom 1.0, UTF-8 (summary, some with full content)
 *   7    RSS 1.0 (RDF), UTF-8, teaser only
 *   8    RSS 2.0 declared ISO-8859-1 that really sends windows-1252 quotes („“–)
 *   9    RSS 2.0, ISO-8859-1 proper, full text
 *
 * About 8 % of items are wire stories that several sources carry under the
 * same canonical link (with different tracking parameters), so dedupe has
 * real work; about 3 % are such a story under an outlet's own link, for the
 * same-story clustering. Links carry utm_* / wt_mc parameters, bodies carry
 * relative links, images, and the odd script/iframe/onclick that sanitizing
 * must drop.
 */
import { AUTHORS, FILL, HEADLINE_PARTS, PARAGRAPHS, SITES, TEASERS, TOPIC_SHARE } from './corpus.mjs';
import { createRandom, mixSeed } from './prng.mjs';

const HOUR = 3_600_000;
const WIRE_STORIES = 400;

/** @returns {{ name: string, path: string, format: string, charset: string, contentType: string, body: Buffer, items: number }} */
export function generateSource(index, { seed = 1, anchor, itemsPerSource = 50 }) {
  const rnd = createRandom(mixSeed(seed, index));
  const kind = index % 10;
  const site = `${SITES[index % SITES.length].replace('.example', '')}-${index}.example`;
  const name = `Quelle ${String(index).padStart(4, '0')} (${site})`;
  const fullText = kind === 9 || (kind <= 4 && index % 2 === 0) || (kind >= 5 && kind <= 6 && rnd.chance(0.5));
  const items = [];
  for (let i = 0; i < itemsPerSource; i++) items.push(generateItem(rnd, { seed, index, i, site, anchor, fullText }));

  const channel = { title: `${name} – Nachrichten`, link: `https://www.${site}/`, description: 'IT-News für Profis', site };
  let format;
  let xml;
  if (kind <= 4 || kind >= 8) {
    format = 'rss2.0';
    xml = renderRss(channel, items, kind >= 8 ? 'ISO-8859-1' : 'UTF-8', anchor);
  } else if (kind <= 6) {
    format = 'atom1.0';
    xml = renderAtom(channel, items, anchor);
  } else {
    format = 'rss1.0';
    xml = renderRdf(channel, items);
  }
  const latin = kind >= 8;
  const body = latin ? encodeLatin1(xml, kind === 8) : Buffer.from(xml, 'utf8');
  const mime = format === 'atom1.0' ? 'application/atom+xml' : format === 'rss1.0' ? 'application/rdf+xml' : 'application/rss+xml';
  return {
    name,
    path: `/feeds/${index}.${format === 'atom1.0' ? 'atom' : 'xml'}`,
    format,
    charset: latin ? 'ISO-8859-1' : 'UTF-8',
    contentType: `${mime}; charset=${latin ? 'ISO-8859-1' : 'utf-8'}`,
    body,
    items: items.length,
  };
}

function generateItem(rnd, { seed, index, i, site, anchor, fullText }) {
  const wire = rnd.chance(0.08) ? rnd.int(0, WIRE_STORIES - 1) : undefined;
  // The same story in an outlet's own article (own link): a case for same-story clustering, not URL dedupe.
  const echo = wire === undefined && rnd.chance(0.03) ? rnd.int(0, WIRE_STORIES - 1) : undefined;
  // A wire story's text comes from its own seed so every carrier prints the same article.
  const story = wire ?? echo;
  const text = story === undefined ? rnd : createRandom(mixSeed(seed + 7919, story));
  const topic = pickTopic(text);
  const parts = HEADLINE_PARTS[topic];
  const title = fill(text, `${text.pick(parts.prefix)}: ${text.pick(parts.subject)} ${text.pick(parts.verb)}`);
  const teaser = fill(text, text.pick(TEASERS[topic]));
  const slug = slugify(title);
  const link =
    wire === undefined
      ? `https://www.${site}/news/${slug}-${index}${String(i).padStart(3, '0')}.html?utm_source=rss&utm_medium=feed&wt_mc=rss.${index}`
      : `https://www.presseportal.example/meldung/${slug}-${wire}.html?utm_source=${site}&utm_campaign=wire`;
  const hoursAgo = i * 6 + rnd.int(0, 5);
  const date = new Date(anchor - hoursAgo * HOUR - rnd.int(0, 3599) * 1000);
  const body = fullText ? renderBody(text, teaser, site, topic) : undefined;
  return {
    title,
    link,
    guid: wire === undefined && rnd.chance(0.7) ? link.split('?')[0] : `${site}-${index}-${i}`,
    date: rnd.chance(0.01) ? undefined : date,
    author: rnd.pick(AUTHORS),
    categories: [topic === 'offtopic' ? 'News' : topic === 'trap' ? 'Wissen' : 'Linux', rnd.pick(['IT', 'Open Source', 'Wirtschaft'])],
    teaser: `<p>${escapeXmlText(teaser)}</p>`,
    body,
  };
}

function pickTopic(rnd) {
  let x = rnd.next();
  for (const [topic, share] of TOPIC_SHARE) {
    if ((x -= share) < 0) return topic;
  }
  return 'offtopic';
}

function fill(rnd, template) {
  return template
    .replace(/\{n2\}/g, () => String(rnd.int(2, 99)))
    .replace(/\{n\}/g, () => String(rnd.int(3, 250)))
    .replace(/\{rc\}/g, () => String(rnd.int(1, 7)))
    .replace(/\{(\w+)\}/g, (m, key) => (FILL[key] ? rnd.pick(FILL[key]) : m));
}

function renderBody(rnd, teaser, site, topic) {
  const parts = [`<p><strong>${escapeXmlText(teaser)}</strong></p>`];
  const count = rnd.int(4, 8);
  for (let k = 0; k < count; k++) {
    let para = escapeXmlText(fill(rnd, rnd.pick(PARAGRAPHS)));
    if (k === 1) para += ` <a href="/news/hintergrund-${rnd.int(1000, 9999)}.html" onclick="track(this)">Hintergrund</a>`;
    parts.push(`<p>${para}</p>`);
    if (k === 2 && rnd.chance(0.6)) {
      parts.push(`<figure><img src="/bilder/${topic}-${rnd.int(1, 500)}.jpg" alt="Symbolbild" width="800" height="450"><figcaption>(Bild: ${escapeXmlText(rnd.pick(AUTHORS))})</figcaption></figure>`);
    }
  }
  if (rnd.chance(0.15)) parts.push('<script>window.dataLayer=window.dataLayer||[];dataLayer.push({event:"article"});</script>');
  if (rnd.chance(0.1)) parts.push(`<iframe src="https://video.${site}/embed/${rnd.int(1, 9999)}" width="560" height="315"></iframe>`);
  parts.push(`<p><a href="https://www.${site}/forum/">Kommentieren</a></p>`);
  return parts.join('\n');
}

function renderRss(channel, items, encoding, anchor) {
  const out = [
    `<?xml version="1.0" encoding="${encoding}"?>`,
    '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">',
    '<channel>',
    `<title>${escapeXmlText(channel.title)}</title>`,
    `<link>${channel.link}</link>`,
    `<atom:link href="https://www.${channel.site}/rss.xml" rel="self" type="application/rss+xml"/>`,
    `<description>${escapeXmlText(channel.description)}</description>`,
    '<language>de-DE</language>',
    `<lastBuildDate>${new Date(anchor).toUTCString().replace('GMT', '+0000')}</lastBuildDate>`,
  ];
  for (const it of items) {
    out.push('<item>');
    out.push(`<title>${escapeXmlText(it.title)}</title>`);
    out.push(`<link>${escapeXmlText(it.link)}</link>`);
    out.push(`<guid isPermaLink="${it.guid.startsWith('https://')}">${escapeXmlText(it.guid)}</guid>`);
    if (it.date) out.push(`<pubDate>${rfc822Berlin(it.date)}</pubDate>`);
    out.push(`<dc:creator>${escapeXmlText(it.author)}</dc:creator>`);
    for (const c of it.categories) out.push(`<category>${escapeXmlText(c)}</category>`);
    out.push(`<description>${escapeXmlText(it.teaser)}</description>`);
    if (it.body) out.push(`<content:encoded><![CDATA[${it.body}]]></content:encoded>`);
    out.push('</item>');
  }
  out.push('</channel>', '</rss>', '');
  return out.join('\n');
}

function renderAtom(channel, items, anchor) {
  const out = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">',
    `<title>${escapeXmlText(channel.title)}</title>`,
    `<subtitle>${escapeXmlText(channel.description)}</subtitle>`,
    `<link rel="alternate" type="text/html" href="${channel.link}"/>`,
    `<link rel="self" type="application/atom+xml" href="https://www.${channel.site}/atom.xml"/>`,
    `<id>tag:${channel.site},2026:feed</id>`,
    `<updated>${new Date(anchor).toISOString()}</updated>`,
  ];
  for (const it of items) {
    out.push('<entry>');
    out.push(`<title type="html">${escapeXmlText(escapeXmlText(it.title))}</title>`);
    out.push(`<link rel="alternate" type="text/html" href="${escapeXmlText(it.link)}"/>`);
    out.push(`<id>${escapeXmlText(it.guid.startsWith('https://') ? it.guid : `tag:${channel.site},2026:${it.guid}`)}</id>`);
    if (it.date) out.push(`<published>${it.date.toISOString()}</published>`, `<updated>${it.date.toISOString()}</updated>`);
    out.push(`<author><name>${escapeXmlText(it.author)}</name></author>`);
    for (const c of it.categories) out.push(`<category term="${escapeXmlText(c)}"/>`);
    out.push(`<summary type="html">${escapeXmlText(it.teaser)}</summary>`);
    if (it.body) out.push(`<content type="html">${escapeXmlText(it.body)}</content>`);
    out.push('</entry>');
  }
  out.push('</feed>', '');
  return out.join('\n');
}

function renderRdf(channel, items) {
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">',
    `<channel rdf:about="https://www.${channel.site}/rdf.xml">`,
    `<title>${escapeXmlText(channel.title)}</title>`,
    `<link>${channel.link}</link>`,
    `<description>${escapeXmlText(channel.description)}</description>`,
    '<items><rdf:Seq>',
    ...items.map((it) => `<rdf:li rdf:resource="${escapeXmlText(it.link)}"/>`),
    '</rdf:Seq></items>',
    '</channel>',
  ];
  for (const it of items) {
    out.push(`<item rdf:about="${escapeXmlText(it.link)}">`);
    out.push(`<title>${escapeXmlText(it.title)}</title>`);
    out.push(`<link>${escapeXmlText(it.link)}</link>`);
    out.push(`<description>${escapeXmlText(it.teaser)}</description>`);
    if (it.date) out.push(`<dc:date>${it.date.toISOString().replace('.000Z', 'Z')}</dc:date>`);
    out.push(`<dc:creator>${escapeXmlText(it.author)}</dc:creator>`);
    out.push('</item>');
  }
  out.push('</rdf:RDF>', '');
  return out.join('\n');
}

/** German sites write local time with an offset: "Sat, 21 Nov 2026 14:03:00 +0100". */
function rfc822Berlin(date) {
  const shifted = new Date(date.getTime() + HOUR);
  return shifted.toUTCString().replace('GMT', '+0100');
}

function slugify(title) {
  return title
    .toLowerCase()
    .replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue').replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);
}

export function escapeXmlText(s) {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const CP1252 = new Map([
  ['\u201e', 0x84], ['\u201c', 0x93], ['\u201d', 0x94], ['\u2013', 0x96], ['\u2014', 0x97], ['\u2026', 0x85], ['\u20ac', 0x80],
]);

/**
 * Latin-1 bytes; characters outside it become character references, as
 * careful CMSs do. With `cp1252Quotes` the typographic quotes go out as raw
 * windows-1252 bytes although the feed says ISO-8859-1 — the classic bug.
 */
function encodeLatin1(text, cp1252Quotes) {
  const bytes = [];
  for (const ch of text) {
    const code = ch.codePointAt(0);
    if (code <= 0xff) bytes.push(code);
    else if (cp1252Quotes && CP1252.has(ch)) bytes.push(CP1252.get(ch));
    else for (const b of Buffer.from(`&#${code};`, 'latin1')) bytes.push(b);
  }
  return Buffer.from(bytes);
}
