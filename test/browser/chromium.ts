import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from 'playwright-core';
import { REDIRECT_URI } from '../support/relying-party.ts';

/**
 * A real browser for the sign-in pages: Debian's chromium, driven by playwright-core. It reaches
 * only 127.0.0.1. The client's callback and the https logos of branded tenants are answered
 * inside the browser, so nothing leaves this machine, and the pages keep their real CSP.
 */

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = fileURLToPath(
  new URL('../../test-output/screenshots/', import.meta.url),
);

/** A logo host for branded tenants; its requests never leave the browser (see openContext). */
export const LOGO_URL = 'https://logo.branding.test/logo.svg';
const LOGO_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="40" viewBox="0 0 160 40">' +
  '<rect width="40" height="40" rx="8" fill="#0b6e4f"/><text x="50" y="27" font-size="20" ' +
  'font-family="sans-serif" fill="#0b2e22">Harbour</text></svg>';

const require = createRequire(import.meta.url);
const AXE_FILE = 'axe-core/axe.min.js';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The browser tests need Debian's chromium at ${CHROMIUM}, and it is missing. Install it ` +
        'with `apt-get update && apt-get install -y chromium` (.ci/run does this on CI).',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-gpu',
      // Belt and braces beside the request routing below: no name resolves but loopback.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
}

export interface TestContext {
  context: BrowserContext;
  page: Page;
  /** Every Content-Security-Policy violation a page reported. */
  violations: string[];
}

/**
 * A fresh profile. Requests to 127.0.0.1 go through; the logo host gets a fixed SVG and axe-core
 * is served from the page's own origin; anything else is refused before it leaves the browser.
 * Redirects are followed inside a request that went through, so the client's redirect URI is
 * reached for real, on 127.0.0.1, where no application listens: tests take the authorization
 * response from that request (see untilClient).
 */
export async function openContext(
  browser: Browser,
  options: BrowserContextOptions = {},
): Promise<TestContext> {
  const context = await browser.newContext({
    locale: 'en-GB',
    viewport: { width: 1024, height: 800 },
    ...options,
  });
  const logo = new URL(LOGO_URL).origin;
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.origin === logo) return route.fulfill({ contentType: 'image/svg+xml', body: LOGO_SVG });
    if (url.hostname === '127.0.0.1' && url.pathname === AXE_PATH) {
      return route.fulfill({ contentType: 'text/javascript', path: require.resolve(AXE_FILE) });
    }
    if (url.hostname === '127.0.0.1') return route.continue();
    return route.abort('blockedbyclient');
  });

  const page = await context.newPage();
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  return { context, page, violations };
}

/**
 * The hooks every browser suite needs: one chromium for the suite, and after each test no
 * Content-Security-Policy violation and the test's context closed. `open` gives a fresh context.
 */
export function useChromium() {
  let browser: Browser | undefined;
  let current: TestContext | undefined;

  before(async function () {
    browser = await launchChromium();
  });

  after(async function () {
    await browser?.close();
  });

  afterEach(async function () {
    if (!current) return;
    const { violations, context } = current;
    current = undefined;
    await context.close();
    expect(violations, 'Content-Security-Policy violations').to.deep.equal([]);
  });

  return {
    async open(options: BrowserContextOptions = {}): Promise<TestContext> {
      current = await openContext(browser!, options);
      return current;
    },
  };
}

/**
 * Runs what the person does (a click, a key) and returns the URL the browser was sent to at the
 * client: the authorization response, or the post-logout redirect.
 */
export async function untilClient(page: Page, act: () => Promise<void>): Promise<string> {
  const client = new URL(REDIRECT_URI).origin;
  const request = page.waitForRequest((r) => r.isNavigationRequest() && r.url().startsWith(client));
  // Nothing listens there, so the browser ends on its own error page; wait for it, so that the
  // test's next navigation is not cut short by this one.
  const settled = page
    .waitForEvent('framenavigated', {
      predicate: (frame) => frame === page.mainFrame() && frame.url().startsWith('chrome-error:'),
      timeout: 10000,
    })
    .catch(() => undefined);
  await act();
  const url = (await request).url();
  await settled;
  return url;
}

/** A full-page screenshot under test-output/screenshots/, named after the page it shows. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}

/** Where pages load axe-core from: their own origin, answered in the browser (see openContext). */
export const AXE_PATH = '/__browser-test__/axe.min.js';

/**
 * axe-core injected into the page, WCAG 2.2 A and AA rules plus best practices; fails on any
 * serious or critical violation, naming each with the elements it found. axe comes in through
 * a script tag with a same-origin URL: the pages' CSP refuses inline script, even a test's.
 */
export async function checkAccessibility(page: Page, name: string): Promise<void> {
  await page.addScriptTag({ url: new URL(AXE_PATH, page.url()).href });
  const violations = (await page.evaluate(async () => {
    const scope = globalThis as unknown as {
      axe: { run(context: unknown, options: unknown): Promise<{ violations: unknown[] }> };
      document: unknown;
    };
    const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
    const results = await scope.axe.run(scope.document, { runOnly: { type: 'tag', values: tags } });
    return results.violations;
  })) as AxeViolation[];
  const grave = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const described = grave.map((v) => {
    const where = v.nodes.map((node) => node.target.join(' ')).join(', ');
    return `${v.id} (${v.impact}): ${v.help} at ${where}`;
  });
  expect(described, `serious or critical accessibility problems on the ${name} page`).to.deep.equal(
    [],
  );
}
