/**
 * Replicas on one database send the same Last-Modified for the same body:
 * the store keeps one date per route and body (src/store/postgres/validators.ts),
 * and these put it into a publication. A store without stamps (the JSON
 * file: one process) keeps the dates the publication was built with.
 */
import type { Publication } from '../publish/build-publication.js';
import { withLastModified, type Resource } from '../publish/resource.js';
import type { Store } from '../store/store-api.js';

/** The publication with the store's dates; stamps bodies no replica has published yet. Rejects when the store fails. */
export async function stampPublication(store: Store, publication: Publication): Promise<Publication> {
  if (!store.stampPublication) return publication;
  return withStamps(publication, await store.stampPublication(bodiesOf(publication)), false);
}

/** After another replica restamped (watch 'published'): take the newer dates of the bodies served; undefined when none moved. */
export async function refreshStamps(store: Store, publication: Publication): Promise<Publication | undefined> {
  if (!store.readPublicationStamps) return undefined;
  const next = withStamps(publication, await store.readPublicationStamps(bodiesOf(publication)), true);
  return next === publication ? undefined : next;
}

function bodiesOf(publication: Publication): { path: string; etag: string }[] {
  return [...publication.resources].map(([path, r]) => ({ path, etag: r.etags.identity }));
}

function withStamps(publication: Publication, stamps: ReadonlyMap<string, Date>, newerOnly: boolean): Publication {
  let changed = false;
  const resources = new Map<string, Resource>();
  for (const [path, resource] of publication.resources) {
    const stamp = stamps.get(path);
    const next = stamp && (!newerOnly || stamp > resource.lastModified) ? withLastModified(resource, stamp) : resource;
    changed ||= next !== resource;
    resources.set(path, next);
  }
  return changed ? { ...publication, resources } : publication;
}
