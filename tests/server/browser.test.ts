/**
 * The page in a real browser (Debian's chromium, headless): it shows the
 * curated articles, its CSP lets its own style through and nothing else,
 * hostile content runs nothing, it fits a phone, and the autodiscovery links
 * resolve to the feeds. FEEDKURATOR_SCREENSHOT=1 refreshes docs/screenshot.png.
 */
import { existsSync, readFileSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../../src/log/logger.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { buildPublication, type Publication } from '../../src/publish/build-publication.js';
import { startServer, type RunningServer } from '../../src/server/http-server.js';
import { ALL_ENTRIES, loadTestConfig } from '../fixtures/publish/german-linux-news.js';
import { HOSTILE } from '../fixtures/publish/hostile-item-content.js';
import { makeTempDir } from '../helpers/cli.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const config = loadTestConfig();
const clean = buildPublication({ entries: ALL_ENTRIES, config, generatedAt: new Date('2026-11-22T05:00:00Z') });
const hostile = buildPublication({ entries: [...ALL_ENTRIES, HOSTILE], config, generatedAt: new Date('2026-11-22T05:00:00Z') });
let current: Publication = clean;
let server: RunningServer;
let browser: Browser;

describe.skipIf(!hasChromium)(`the page in headless Chromium (${CHROMIUM}${hasChromium ? '' : ' is not installed: apt-get install chromium'})`, () => {
  beforeAll(async () => {
    server = await startServer(
      { getPublication: () => current, getHealth: () => ({ httpStatus: 200, body: { status: 'ok' } }), metrics: createMetrics({ processMetrics: false }), logger: createSilentLogger() },
      { host: '127.0.0.1', port: 0 },
    );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the curated articles grouped by day, styled, and resolves every autodiscovery link to its feed', async () => {
    current = clean;
    const context = await browser.newContext({ viewport: { width: 1000, height: 1300 }, locale: 'de-DE' });
    const page = await context.newPage();
    const cspViolations: string[] = [];
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
    });
    const response = await page.goto(`${server.url}/`);
    expect(response?.status()).toBe(200);
    expect(await page.title()).toBe('Linux-News: Kernel, Container, Hosting');
    const titles = await page.locator('article h3').allInnerTexts();
    expect(titles).toEqual([
      'Kubernetes 1.35 erschienen: „In-Place“-Updates für Pods & mehr',
      'Akamai hostet kernel.org: Linux bekommt kommerzielles Rückgrat',
      'Linuxcon und Containercon Europe 2016: Container Love',
      'Webhoster senkt Preise für Managed-Server',
    ]);
    expect(await page.locator('h2.day').allInnerTexts()).toContain('SAMSTAG, 21. NOVEMBER 2026');
    // The inline style applied: the CSP hash matched.
    expect(await page.evaluate(`getComputedStyle(document.querySelector('h2.day')).textTransform`)).toBe('uppercase');
    expect(cspViolations).toEqual([]);

    // Evaluated in the page; a string keeps DOM types out of this Node project.
    const links = (await page.evaluate(
      `[...document.querySelectorAll('link[rel="alternate"]')].map((l) => ({ type: l.type, href: l.href }))`,
    )) as { type: string; href: string }[];
    expect(links.map((l) => l.type)).toEqual(['application/rss+xml', 'application/atom+xml', 'application/feed+json']);
    for (const link of links) {
      const feed = await page.request.get(link.href);
      expect(feed.status(), link.href).toBe(200);
      expect(feed.headers()['content-type']).toBe(`${link.type}; charset=utf-8`);
      expect(await feed.text()).toContain('Akamai hostet kernel.org');
    }
    const shot = path.join(makeTempDir('feedkurator-shot-'), 'screenshot.png');
    await page.screenshot({ path: shot, fullPage: false });
    expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');
    if (process.env.FEEDKURATOR_SCREENSHOT === '1') {
      copyFileSync(shot, fileURLToPath(new URL('../../docs/screenshot.png', import.meta.url)));
    }
    await context.close();
  });

  it('fits a phone screen without sideways scrolling', async () => {
    current = clean;
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    const overflow = (await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
    expect(overflow).toBeLessThanOrEqual(0);
    await context.close();
  });

  it('runs nothing from hostile content and shows it as text', async () => {
    current = hostile;
    const context = await browser.newContext();
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(`${server.url}/`);
    await page.locator('article h3 a').first().hover();
    expect(await page.locator('article h3').allInnerTexts()).toContain('Kernel <script>alert("t")</script> ]]> &amp; Ende ]]>');
    expect(await page.locator('script, iframe, form, img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await context.close();
  });
});
