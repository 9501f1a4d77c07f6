// A worker entry for tests: answers an empty body (the pool's start-up probe, or a read queued behind) and fills its heap on any other.
import { markReadStarted } from './read-clock.mjs';

export default function hoardOnBody(task) {
  if (task.clock) markReadStarted(task.clock);
  if (task.body.byteLength > 0) {
    const hoard = [];
    for (;;) hoard.push(new Array(100_000).fill({ n: hoard.length }));
  }
  return { ok: false, error: { code: 'FK_NOT_A_FEED', name: 'NotAFeedError', message: 'the body is empty' } };
}
