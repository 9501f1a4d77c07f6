// A worker entry for tests: answers an empty body (the pool's start-up probe) and hangs on any other.
export default function hangOnBody(task) {
  if (task.body.byteLength > 0) for (;;);
  return { ok: false, error: { code: 'FK_NOT_A_FEED', name: 'NotAFeedError', message: 'the body is empty' } };
}
