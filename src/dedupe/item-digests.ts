/**
 * What the merge computes of an item that depends neither on the store nor
 * on the source's name: the hash of its capped text and its link's url key
 * with that key's id. The read worker makes them (read-worker.ts): on a cold
 * poll the main thread is the long pole and the worker waits for it a third
 * of the time, so each SHA-256 and URL parse done there is one the main
 * thread does not do. The merge uses them when present and computes them
 * itself otherwise (in-thread reading, tests, a store built otherwise), so
 * they change nothing but where the work is done.
 */
import { hash } from 'node:crypto';
import { capHtml } from '../text/cap-text.js';
import { truncateText } from '../text/truncate.js';
import type { NormalizedItem } from '../types.js';
import { idForKey, urlKeyOf } from './identity.js';

/** Stored text is capped so that one bloated feed cannot swell the store. */
export const MAX_TITLE_CHARS = 500;
export const MAX_SUMMARY_CHARS = 2_000;
export const MAX_CONTENT_CHARS = 40_000;

export function cappedText(item: NormalizedItem): { title: string; summary: string; content: string } {
  return {
    title: truncateText(item.title, MAX_TITLE_CHARS),
    summary: truncateText(item.summary, MAX_SUMMARY_CHARS),
    content: capHtml(item.content, MAX_CONTENT_CHARS),
  };
}

export function hashContent(title: string, summary: string, content: string): string {
  // The one-shot hash (Node >= 20.12): a Hash object per call cost ~3 µs more.
  return hash('sha256', `${title}\u0000${summary}\u0000${content}`, 'hex').slice(0, 16);
}

/** Adds `contentHash`, and `linkKey` with `linkKeyId` for a link that has a url key, to each item. */
export function attachItemDigests(items: NormalizedItem[]): void {
  for (const item of items) {
    const text = cappedText(item);
    item.contentHash = hashContent(text.title, text.summary, text.content);
    const key = item.link ? urlKeyOf(item.link) : undefined;
    if (key !== undefined) {
      item.linkKey = key;
      item.linkKeyId = idForKey(key);
    }
  }
}

/** The hash of the item's capped text: the reader's when it made one. */
export function contentHashOf(item: NormalizedItem, text: { title: string; summary: string; content: string }): string {
  return item.contentHash ?? hashContent(text.title, text.summary, text.content);
}
