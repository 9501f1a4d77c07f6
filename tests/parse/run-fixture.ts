import { readFileSync, readdirSync } from 'node:fs';
import { decodeBody } from '../../src/parse/decode-body.js';
import { parseFeed } from '../../src/parse/parse-feed.js';
import { normalizeFeed } from '../../src/normalize/normalize-feed.js';
import { FeedkuratorError } from '../../src/errors.js';

export const FIXTURE_DIR = new URL('../fixtures/feeds/', import.meta.url);

/** What a fixture's `.expected.json` says about its input, besides the expected output. */
export interface FixtureInput {
  contentType?: string;
  /** The response's Content-Location header, when the fixture is about it. */
  contentLocation?: string;
  url: string;
  now: string;
}

export interface FixtureOutcome {
  decoded?: { charset: string; charsetSource: string; declaredCharset?: string; warnings: string[] };
  feed?: Record<string, unknown>;
  items?: unknown[];
  error?: { name: string; code: string; message: string };
}

export function listFixtures(): { name: string; input: string; expected: string }[] {
  const files = readdirSync(FIXTURE_DIR);
  return files
    .filter((file) => file.endsWith('.expected.json'))
    .map((expected) => {
      const name = expected.slice(0, -'.expected.json'.length);
      const input = files.find((file) => file !== expected && file.startsWith(`${name}.`) && !file.endsWith('.expected.json'));
      if (!input) throw new Error(`fixture ${name} has no input file`);
      return { name, input, expected };
    });
}

export function readFixtureBytes(file: string): Buffer {
  return readFileSync(new URL(file, FIXTURE_DIR));
}

/** decode → parse → normalize, as the pipeline runs them; a catalogue error is part of the outcome. */
export async function runStages(bytes: Buffer, input: FixtureInput): Promise<FixtureOutcome> {
  const outcome: FixtureOutcome = {};
  try {
    const decoded = decodeBody(bytes, input.contentType);
    outcome.decoded = {
      charset: decoded.charset,
      charsetSource: decoded.charsetSource,
      ...(decoded.declaredCharset ? { declaredCharset: decoded.declaredCharset } : {}),
      warnings: decoded.warnings,
    };
    const feed = await parseFeed(decoded.text, { url: input.url, contentLocation: input.contentLocation });
    const { items, ...meta } = feed;
    outcome.feed = meta;
    outcome.items = normalizeFeed(feed, { url: input.url, now: new Date(input.now) });
  } catch (err) {
    if (!(err instanceof FeedkuratorError)) throw err;
    outcome.error = { name: err.name, code: err.code, message: err.message };
  }
  return outcome;
}
