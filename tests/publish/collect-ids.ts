import type { FeedFormat } from '../../src/publish/build-publication.js';
import { child, childrenNamed, parseStrictXml, textOf } from './strict-xml.js';

/** The item ids of a rendered feed in document order: RSS guid, Atom id, JSON Feed id. */
export function collectIds(text: string, format: FeedFormat): string[] {
  if (format === 'json') return (JSON.parse(text) as { items: { id: string }[] }).items.map((i) => i.id);
  const root = parseStrictXml(text);
  if (format === 'rss') return childrenNamed(child(root, 'channel'), 'item').map((i) => textOf(i, 'guid'));
  return childrenNamed(root, 'entry').map((e) => textOf(e, 'id'));
}
