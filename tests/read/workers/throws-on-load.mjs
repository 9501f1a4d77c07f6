// A worker entry for tests that cannot even load.
throw new Error('broken on purpose');
