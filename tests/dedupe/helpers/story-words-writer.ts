/**
 * Child process for the kill -9 test of story-words-file.ts: writes the same
 * path again and again, alternating two sets of texts ("a" and "b", each
 * naming its set in every word), and prints a line after every completed write.
 */
import { writeStoryWords } from '../../../src/dedupe/story-words-file.js';
import type { ShelvedText } from '../../../src/dedupe/story-words-storage.js';
import { readStoryText } from '../../../src/dedupe/story-text.js';

const [path, count] = process.argv.slice(2);

function texts(set: string): Map<string, ShelvedText> {
  const out = new Map<string, ShelvedText>();
  for (let i = 0; i < Number(count); i++) {
    out.set(`id-${i}`, { key: `${set}${'0'.repeat(15)}`, text: readStoryText(`Meldung ${set}${i}: Linux 6.${i % 20} für Cloud-Server von Hetzner`, `Der Kernel ${set}${i} bringt neue Treiber für Container und Rechenzentren in Falkenstein.`) });
  }
  return out;
}

const sets = { a: texts('a'), b: texts('b') };
for (let n = 0; ; n++) {
  const set = n % 2 === 0 ? 'a' : 'b';
  await writeStoryWords(path!, sets[set]);
  process.stdout.write(`wrote ${set} ${n}\n`);
}
