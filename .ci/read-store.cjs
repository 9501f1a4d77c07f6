// The JSON store's articles as they are on disk, read without the product's
// code: every day segment, then the journal files replayed on top in order
// (later entries win, removals drop, superseded files are skipped), as
// src/store/json/journal.ts describes and tests/helpers/read-store.ts reads.
const fs = require('fs');
const path = require('path');

module.exports = function readStoreArticles(file) {
  JSON.parse(fs.readFileSync(file, 'utf8')); // the manifest must parse
  const dir = path.dirname(file);
  const stem = path.basename(file).replace(/\.json$/, '');
  const byId = new Map();
  const journals = [];
  for (const name of fs.readdirSync(dir).sort()) {
    if (!name.startsWith(`${stem}.`) || !name.endsWith('.json')) continue;
    if (name.startsWith(`${stem}.articles-`)) {
      for (const a of JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')).articles) byId.set(a.id, a);
    } else if (name.startsWith(`${stem}.journal-`)) {
      journals.push(JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')));
    }
  }
  const superseded = Math.max(0, ...journals.map((j) => j.supersedes || 0));
  for (const journal of journals.sort((a, b) => a.seq - b.seq)) {
    if (journal.seq <= superseded) continue;
    for (const record of journal.articles) byId.set(record.id, { ...(byId.get(record.id) || {}), ...record });
    for (const id of Object.keys(journal.removed || {})) byId.delete(id);
  }
  return [...byId.values()];
};
