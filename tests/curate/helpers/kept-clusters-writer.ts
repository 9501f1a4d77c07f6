/**
 * Child process for the kill -9 test of kept-clusters.ts: writes the same
 * path again and again, alternating two results ("a" and "b", each naming its
 * set in every id), and prints a line after every completed write.
 */
import { writeKeptClusters, type KeptClusters } from '../../../src/curate/kept-clusters.js';

const [path, count] = process.argv.slice(2);

function result(set: string): KeptClusters {
  const clusters = Array.from({ length: Number(count) }, (_, i) => ({ lead: `${set}-lead-${i}`, others: i % 3 === 0 ? [`${set}-other-${i}`] : [] }));
  return { day: 0, frozen: true, window: set.repeat(64), clusters };
}

const sets = { a: result('a'), b: result('b') };
for (let n = 0; ; n++) {
  const set = n % 2 === 0 ? 'a' : 'b';
  await writeKeptClusters(path!, sets[set]);
  process.stdout.write(`wrote ${set} ${n}\n`);
}
