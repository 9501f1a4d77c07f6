import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/feeds/${name}`, import.meta.url));

/** The real CLI on broken feeds: what was recovered is shown, never silent, and the hostile ones stay refused. */
describe('feedkurator inspect on feeds that need recovery', () => {
  it('prints a "recovered:" line and the complete items of a truncated feed', async () => {
    const result = await runCli(['inspect', fixture('recover-truncated-mid-item.xml')]);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines).toContain('items:   1');
    expect(lines.find((l) => l.startsWith('recovered: '))).toMatch(/^recovered: broken XML: Unclosed root tag .*the document ends early.*kept 1 complete item, dropped 1 incomplete$/);
    expect(result.stdout).toContain('Kernel 6.14 ist da: Schnellere Dateisysteme und neuer NTSYNC-Treiber');
    expect(result.stdout).not.toContain('Akamai');
  });

  it('--json carries the warnings, and a feed with nothing to recover says nothing about recovery', async () => {
    const recovered = JSON.parse((await runCli(['inspect', fixture('recover-prefixed-atom-root.atom'), '--json'])).stdout);
    expect(recovered.format).toBe('atom1.0');
    expect(recovered.warnings).toEqual(['recovered: root element <atom:feed> read as <feed>']);
    expect(recovered.items.map((i: { title: string }) => i.title)).toEqual(['Kernel-Log: Linux 6.14 bringt NTSYNC']);
    const clean = JSON.parse((await runCli(['inspect', fixture('fallback-dc-creator.xml'), '--json'])).stdout);
    expect(clean.warnings).toEqual([]);
  });

  it('still refuses billion laughs and broken XML without a complete item, exit 1 with one line', async () => {
    for (const [file, reason] of [['billion-laughs.xml', /billion laughs/], ['broken-xml.xml', /broken XML: Unexpected close tag/]] as const) {
      const result = await runCli(['inspect', fixture(file)]);
      expect(result.code, file).toBe(1);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(reason);
    }
  });
});
