// A worker entry for tests: the first read waits (up to 5 s, yielding) until the worker holds a second one,
// then answers with an empty feed titled by how many reads the worker had been handed. An empty body (the
// pool's start-up probe) is answered at once and not counted.
let handed = 0;

export default async function countHeldReads(task) {
  if (task.body.byteLength === 0) return { ok: false, error: { code: 'FK_NOT_A_FEED', name: 'NotAFeedError', message: 'the body is empty' } };
  handed++;
  for (let waited = 0; handed < 2 && waited < 5_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
  return { ok: true, feed: { format: 'rss', charset: 'utf-8', title: String(handed), items: [], warnings: [] } };
}
