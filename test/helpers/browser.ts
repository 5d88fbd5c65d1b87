/**
 * Real headless Chromium from Debian (`/usr/bin/chromium`, installed by .ci/run), driven by
 * playwright-core: no browser download. A fresh profile per launch, background networking
 * off, and every request the page makes recorded, so a test can prove none left localhost.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  /** Every URL any page requested, in order. */
  requests: string[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

const isLocal = (url: string) => {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') return true;
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
};

/** The requests that went anywhere but this machine. */
export const externalRequests = (browser: Browser): string[] =>
  browser.requests.filter((url) => !isLocal(url));

export async function launchBrowser(viewport = { width: 1366, height: 850 }): Promise<Browser> {
  const profile = await mkdtemp(path.join(tmpdir(), 'invo-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    args: chromiumArgs,
    headless: true,
    viewport,
    locale: 'en-US',
  });
  const requests: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  // Belt and braces: a request off this machine is refused as well as recorded.
  await context.route(
    (url) => !isLocal(url.href),
    (route) => route.abort('blockedbyclient'),
  );
  return {
    context,
    requests,
    newPage: () => context.newPage(),
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

const require = createRequire(import.meta.url);
const axePath = require.resolve('axe-core/axe.min.js');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** axe-core's WCAG 2.x A/AA rules (up to 2.2) on the page as it is now. */
export async function runAxe(page: Page): Promise<{ violations: AxeViolation[]; passes: number }> {
  // Evaluated through the DevTools protocol, so the page's CSP (script-src 'self') stays on.
  await page.evaluate(await readFile(axePath, 'utf8'));
  return page.evaluate(async () => {
    const inPage = globalThis as any;
    const result = await inPage.axe.run(inPage.document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
    return {
      passes: result.passes.length as number,
      violations: result.violations.map((v: any) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n: any) => ({ target: n.target, failureSummary: n.failureSummary })),
      })),
    };
  });
}
