/**
 * The curation's sliced loops take their turns through takeTurn: two of them
 * running at once (two stores' start-up classification and a rules edit) never resume
 * in the same iteration of the event loop, so requests are read between any
 * two of their slices. With a bare setImmediate both resumed back to back in
 * one check phase (BENCHMARKS.md, latency session 8).
 *
 * An iteration is told by a 1 ms interval timer: the timers phase runs at the
 * start of every iteration, and after a slice of 2 ms or more the timer is
 * always due, so two slices with no timer call between them ran in the same
 * iteration.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { Curation, type Rules } from '../../src/curate/curation.js';
import { rulesFor } from '../../src/daemon/daemon.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store-api.js';
import type { StoredArticle } from '../../src/types.js';
import { article, loadTestConfig } from '../fixtures/publish/german-linux-news.js';

const base = loadTestConfig();
const dir = mkdtempSync(join(tmpdir(), 'fk-curation-turns-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LINES = [
  'Linux-Kernel 6.18 erschienen mit neuem Scheduler',
  'Kubernetes 1.32 und Podman im Vergleich',
  'Hoster senkt Preise für Root-Server',
  'Wayland-Compositor für KDE Plasma',
  'Torvalds über Rust for Linux im Kernel',
  'Käse aus dem Allgäu',
];

function articles(count: number): StoredArticle[] {
  return Array.from({ length: count }, (_, i) => {
    const published = new Date(Date.UTC(2026, 10, 16 + (i % 5), i % 24, i % 60)).toISOString();
    const line = (k: number): string => LINES[(i + k) % LINES.length]!;
    return article({
      id: `t${i}`,
      title: `${line(0)} (${i})`,
      summary: `${line(1)}. ${line(2)}.`,
      content: `<p>${line(3)}</p><p>${line(4)} ${line(5)}</p>`,
      published,
      firstSeen: published,
    });
  });
}

async function freshStore(name: string, count: number): Promise<Store> {
  const store = await openStore({ storePath: join(dir, name, 'feedkurator.json') });
  await store.importData({ articles: articles(count) });
  await store.flush();
  return store;
}

type Note = [task: string, timerCalls: number, at: number];

/** The real rules, with each classification noted. */
function noted(config: Config, task: string, notes: Note[], timerCalls: () => number): Rules {
  const rules = rulesFor(config);
  const classifier = rules.classifier;
  return {
    ...rules,
    classifier: Object.assign(Object.create(classifier) as typeof classifier, {
      classify: (input: Parameters<typeof classifier.classify>[0]) => {
        notes.push([task, timerCalls(), performance.now()]);
        return classifier.classify(input);
      },
    }),
  };
}

describe('curation slices', () => {
  it('of two starts and a rules edit running at once never resume in the same event-loop iteration', async () => {
    const [first] = Object.keys(base.topics);
    const editedConfig: Config = {
      ...base,
      topics: { ...base.topics, [first!]: { ...base.topics[first!]!, include: [...base.topics[first!]!.include, 'linux'] } },
    };
    const starting = [await freshStore('start1', 3_000), await freshStore('start2', 3_000)];
    const editing = await freshStore('edit', 3_000);
    try {
      const before = await Curation.open(editing, rulesFor(base));
      let timerCalls = 0;
      const timer = setInterval(() => timerCalls++, 1);
      const notes: Note[] = [];
      try {
        await Promise.all([
          ...starting.map((store, i) => Curation.open(store, noted(base, `start${i}`, notes, () => timerCalls))),
          Curation.derive(before, editing, noted(editedConfig, 'edit', notes, () => timerCalls)),
        ]);
      } finally {
        clearInterval(timer);
      }
      // The slices: runs of one task's classifications with no timer call between them.
      const slices: { task: string; timerCalls: number; from: number; to: number }[] = [];
      for (const [task, calls, at] of notes) {
        const last = slices.at(-1);
        if (last && last.task === task && last.timerCalls === calls) last.to = at;
        else slices.push({ task, timerCalls: calls, from: at, to: at });
      }
      // Both were cut into several slices, so the check below has something to tell apart.
      for (const task of ['start0', 'start1', 'edit']) expect(slices.filter((c) => c.task === task).length).toBeGreaterThan(3);
      // A resumed slice (not a task's first: the test starts all three in one turn) right after another one of 2 ms or more, with no timer call between.
      const resumed = slices.filter((c, i) => slices.findIndex((d) => d.task === c.task) !== i);
      const backToBack = resumed.filter((c) => {
        const before = slices[slices.indexOf(c) - 1]!;
        return before.timerCalls === c.timerCalls && before.to - before.from >= 2;
      });
      expect(backToBack).toEqual([]);
    } finally {
      for (const store of starting) await store.close();
      await editing.close();
    }
  });
});
