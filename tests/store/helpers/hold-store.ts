// Child process: opens the store given as argv[2] for writing, says so, and
// holds it until killed or until stdin closes.
import { openJsonStore } from '../../../src/store/json/json-store.js';

const store = await openJsonStore(process.argv[2]!);
process.stdout.write(`holding ${process.pid}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void store.close().then(() => process.exit(0));
});
