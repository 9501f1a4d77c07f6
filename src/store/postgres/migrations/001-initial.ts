/**
 * Schema version 1. Never edit a migration that has shipped: add the next file.
 *
 * - articles.head is the whole ArticleHead as JSON text (json keeps it
 *   verbatim); published/first_seen are copies for the windowed indexes.
 * - articles.xid is the writing transaction's id: a replica asks for the rows
 *   written since its last snapshot (changesSince) without scanning the table.
 * - article_keys: lookup key → article, first writer wins (ON CONFLICT DO NOTHING).
 * - retired: tombstones, day = YYYY-MM-DD (UTC) a source last listed the id.
 */
export const sql = `
CREATE TABLE articles (
  id text PRIMARY KEY,
  key text NOT NULL,
  head json NOT NULL,
  content text NOT NULL,
  published timestamptz NOT NULL,
  first_seen timestamptz NOT NULL,
  xid xid8 NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX articles_newest ON articles (published DESC, first_seen DESC, id);
CREATE INDEX articles_xid ON articles (xid);

CREATE TABLE article_keys (
  key text PRIMARY KEY,
  article_id text NOT NULL REFERENCES articles (id) ON DELETE CASCADE
);
CREATE INDEX article_keys_article ON article_keys (article_id);

CREATE TABLE retired (
  id text PRIMARY KEY,
  day text NOT NULL CHECK (day ~ '^\\d{4}-\\d{2}-\\d{2}$'),
  xid xid8 NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX retired_day ON retired (day DESC);
CREATE INDEX retired_xid ON retired (xid);

CREATE TABLE sources (
  name text PRIMARY KEY,
  state json,
  attempted_at timestamptz,
  lease_until timestamptz
);

CREATE TABLE classifications (
  fingerprint text NOT NULL,
  article_id text NOT NULL,
  topics json NOT NULL,
  PRIMARY KEY (fingerprint, article_id)
);
CREATE INDEX classifications_article ON classifications (article_id);

CREATE TABLE classification_sets (
  fingerprint text PRIMARY KEY,
  used_at timestamptz NOT NULL
);

CREATE TABLE meta (
  name text PRIMARY KEY,
  value json NOT NULL
);

CREATE TABLE replicas (
  replica text PRIMARY KEY,
  rules_fingerprint text NOT NULL,
  changed_at timestamptz NOT NULL,
  seen_at timestamptz NOT NULL
);
`;
