import type { RawItem } from '../types.js';

/**
 * Within one feed a guid should name one article. Feeds break that in two
 * ways: they list the same article twice (drop the repeats), or a CMS gives
 * every item the same guid (keep the items, forget the useless guid, so that
 * the store does not merge different articles).
 */
export function dedupeItems(items: RawItem[]): { items: RawItem[]; warnings: string[] } {
  const warnings: string[] = [];
  const byGuid = new Map<string, RawItem[]>();
  for (const item of items) {
    if (item.guid === undefined) continue;
    const group = byGuid.get(item.guid);
    if (group) group.push(item);
    else byGuid.set(item.guid, [item]);
  }

  const dropped = new Set<RawItem>();
  for (const [guid, group] of byGuid) {
    if (group.length < 2) continue;
    const sameArticle = group.every((item) => articleKey(item) === articleKey(group[0]!));
    if (sameArticle) {
      for (const repeat of group.slice(1)) dropped.add(repeat);
      warnings.push(`guid "${shorten(guid)}" listed ${group.length} times for the same article; kept the first`);
    } else {
      for (const item of group) delete item.guid;
      warnings.push(`guid "${shorten(guid)}" used by ${group.length} different articles; ignored it for them`);
    }
  }

  // Without guids, the same link and title twice is still one article.
  const seen = new Set<string>();
  const kept = items.filter((item) => {
    if (dropped.has(item)) return false;
    if (item.guid !== undefined || item.link === undefined) return true;
    const key = articleKey(item);
    if (seen.has(key)) {
      warnings.push(`link ${shorten(item.link)} listed twice; kept the first`);
      return false;
    }
    seen.add(key);
    return true;
  });
  return { items: kept, warnings };
}

function articleKey(item: RawItem): string {
  return JSON.stringify([item.link ?? null, item.link ? null : (item.title ?? null)]);
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
