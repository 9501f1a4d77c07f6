/**
 * The files a JSON store's daemon keeps beside the store for its next start
 * without a publication snapshot: the publish window's story texts
 * (story-words-file.ts) and its story clusters (kept-clusters.ts). Derived
 * data: a missing or refused file costs that start time, and the log says
 * why; each is written after a swap, in the background, only when it differs
 * from what was last written or read.
 */
import { keptClustersPath, readKeptClusters, writeKeptClusters } from '../curate/kept-clusters.js';
import type { StoryClusterer } from '../curate/story-clusterer.js';
import { readStoryWords, storyWordsPath, writeStoryWords } from '../dedupe/story-words-file.js';
import { shelveStoryTexts, type ShelvedText } from '../dedupe/story-words-storage.js';
import { describeError } from '../errors.js';
import type { Logger } from '../log/logger.js';

export interface StartFilesOptions {
  log: Logger;
  clusterer: StoryClusterer;
  /** Queue a write behind the daemon's other derived-file writes; `failure` is logged (as a warning) if it throws. */
  background: (work: () => Promise<void>, failure: string) => void;
}

export class StartFiles {
  readonly #options: StartFilesOptions;
  #textsWritten: ReadonlyMap<string, ShelvedText> | undefined;
  /** The story words file is still to be loaded (at the clusterer's first read): the shelf lacks its texts, so a build's are not the window's. */
  #textsPending = false;
  /** The window digest of the story clusters last written or read. */
  #clustersWritten: string | undefined;

  constructor(options: StartFilesOptions) {
    this.#options = options;
  }

  /** Whether a kept clusters file was read and offered to the clusterer (the first build takes it if its window matches). */
  get clustersOffered(): boolean {
    return this.#clustersWritten !== undefined;
  }

  /**
   * Before the first build: the kept clusters offered to the clusterer; the story texts put on the shelf
   * when the clusterer first reads texts (a first build that takes the kept clusters reads none: loading
   * the file before its first answer was ~0.1 s of CPU and its garbage at 20,000 articles, session 11).
   */
  async load(storePath: string): Promise<void> {
    const { log, clusterer } = this.#options;
    const clustersFile = keptClustersPath(storePath);
    const clusters = await readKeptClusters(clustersFile);
    if (clusters !== null && 'problem' in clusters) log.info({ file: clustersFile }, clusters.problem);
    else if (clusters !== null) {
      clusterer.offer?.(clusters);
      this.#clustersWritten = clusters.window;
    }
    if (!clusterer.beforeReading) return this.#loadTexts(storePath);
    this.#textsPending = true;
    clusterer.beforeReading(() => this.#loadTexts(storePath));
  }

  async #loadTexts(storePath: string): Promise<void> {
    const wordsFile = storyWordsPath(storePath);
    const words = await readStoryWords(wordsFile).catch((err: unknown) => ({ problem: `${wordsFile}: ${describeError(err)}` }));
    if (words !== null && 'problem' in words) this.#options.log.info({ file: wordsFile }, words.problem);
    else if (words !== null) {
      shelveStoryTexts(words.texts);
      this.#textsWritten = words.texts;
    }
    this.#textsPending = false;
  }

  /** After a swap: the window's story texts (those the build read, if any) and its clusters, each when changed. */
  save(storePath: string, texts: ReadonlyMap<string, ShelvedText> | undefined): void {
    const { background, clusterer } = this.#options;
    if (texts && !this.#textsPending && !sameTexts(texts, this.#textsWritten)) {
      background(async () => {
        await writeStoryWords(storyWordsPath(storePath), texts);
        this.#textsWritten = texts;
      }, 'could not save the story words (only a start without a snapshot is slower)');
    }
    if (!clusterer.keptResult) return;
    background(async () => {
      const kept = await clusterer.keptResult!();
      if (!kept || kept.window === this.#clustersWritten) return;
      await writeKeptClusters(keptClustersPath(storePath), kept);
      this.#clustersWritten = kept.window;
    }, 'could not save the story clusters (only a start without a snapshot is slower)');
  }
}

function sameTexts(a: ReadonlyMap<string, ShelvedText>, b: ReadonlyMap<string, ShelvedText> | undefined): boolean {
  if (!b || a.size !== b.size) return false;
  for (const [id, entry] of a) if (b.get(id)?.key !== entry.key) return false;
  return true;
}
