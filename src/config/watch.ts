import { watch, watchFile, unwatchFile, readFileSync, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { Config } from './schema.js';
import { parseConfig, type LoadOptions } from './load.js';

export interface ConfigWatcher {
  close(): void;
}

export interface WatchOptions extends LoadOptions {
  /** Quiet period after the last change event before the file is re-read. */
  debounceMs?: number;
  onChange(config: Config): void;
  /** The edit is invalid or unreadable: the caller keeps the last good config. */
  onError(error: unknown): void;
}

/**
 * Watch the config file and report each valid new version. Watches the
 * directory, not the file: editors and Kubernetes ConfigMaps replace the
 * file by rename, which a watch on the old inode would never see. A slow
 * stat poll backs the watch up on file systems without inotify.
 */
export function watchConfig(file: string, options: WatchOptions): ConfigWatcher {
  const debounceMs = options.debounceMs ?? 250;
  let lastText: string | undefined = readText(file);
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const check = (): void => {
    timer = undefined;
    if (closed) return;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if (lastText !== undefined) options.onError(err);
      lastText = undefined;
      return;
    }
    if (text === lastText) return;
    lastText = text;
    try {
      options.onChange(parseConfig(text, file, options));
    } catch (err) {
      options.onError(err);
    }
  };
  const schedule = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(check, debounceMs);
  };

  let watcher: FSWatcher | undefined;
  try {
    const base = path.basename(file);
    watcher = watch(path.dirname(file), { persistent: false }, (_event, name) => {
      if (!name || name === base || name.startsWith('..')) schedule();
    });
    watcher.on('error', () => watcher?.close());
  } catch {
    watcher = undefined;
  }
  watchFile(file, { interval: 2000, persistent: false }, schedule);

  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      watcher?.close();
      unwatchFile(file, schedule);
    },
  };
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
