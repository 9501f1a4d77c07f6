// Child process of identity.test.ts: prints the ids of the items given as JSON.
import { identifyItem } from '../../src/dedupe/identity.js';
import type { NormalizedItem } from '../../src/types.js';

const items = JSON.parse(process.argv[2] ?? '[]') as NormalizedItem[];
process.stdout.write(JSON.stringify(items.map((item) => identifyItem(item, 'Linux-Magazin').id)));
