// A worker entry for tests: busy for as many milliseconds as the body says, one read after another, then
// answers with an empty feed titled by the body. An empty body (the pool's start-up probe) is answered at once.
import { markReadFinished, markReadStarted } from './read-clock.mjs';

export default function spinOnBody(task) {
  if (task.clock) markReadStarted(task.clock);
  const text = Buffer.from(task.body).toString().replace(/\0+$/, '');
  const until = Date.now() + Number(text || 0);
  while (Date.now() < until);
  if (task.clock) markReadFinished(task.clock);
  return { ok: true, feed: { format: 'rss', charset: 'utf-8', title: text, items: [], warnings: [] } };
}
