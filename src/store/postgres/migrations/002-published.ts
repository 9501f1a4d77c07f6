/**
 * Schema version 2: the Last-Modified of every published body, shared by the
 * replicas (see ../validators.ts). One row per route and body (its identity
 * ETag); the newest row of a route is what that route serves now.
 */
export const sql = `
CREATE TABLE published (
  path text NOT NULL,
  etag text NOT NULL,
  last_modified timestamptz NOT NULL,
  PRIMARY KEY (path, etag)
);
CREATE INDEX published_newest ON published (path, last_modified DESC);
`;
