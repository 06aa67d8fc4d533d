import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { launchChromium, screenshot } from '../../webchat/support/browser.js';
import type { ConsoleEnv, ACCOUNTS } from './console-setup.js';
import { startEntraTlsFront } from './entra-tls-front.js';

export interface ConsoleTab {
  context: BrowserContext;
  page: Page;
  /** Content-Security-Policy violations and uncaught script errors seen so far. */
  problems: () => string[];
  close: () => Promise<void>;
}

/**
 * A fresh Chromium context. The fake tenant is reached over https through its TLS front (the browser was launched
 * with login.carepoint.test mapped to it, and the test certificate is self-signed); nothing off this machine is
 * fetched (the provider's login page asks for a web font).
 */
async function contextFor(browser: Browser, env: ConsoleEnv, options: { bypassCSP?: boolean }): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 }, locale: 'en-GB', ignoreHTTPSErrors: true, bypassCSP: options.bypassCSP,
  });
  await context.route((url) => !url.toString().startsWith(env.base) && !url.toString().startsWith(env.entra.issuer), (route) => route.abort());
  return context;
}

/** Opens `path` in Chromium and signs in as `login` at the fake tenant's own login and consent pages. */
export async function openConsole(
  browser: Browser, env: ConsoleEnv, login: keyof typeof ACCOUNTS, path: string, options: { bypassCSP?: boolean } = {},
): Promise<ConsoleTab> {
  const context = await contextFor(browser, env, options);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`script error: ${error.message}`));
  await page.exposeFunction('reportCspViolation', (text: string) => problems.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { reportCspViolation: (t: string) => void }).reportCspViolation(`CSP ${e.violatedDirective} blocked ${e.blockedURI}`);
    });
  });
  await page.goto(env.base + path);
  for (let forms = 0; forms < 4 && page.url().startsWith(env.entra.issuer); forms++) {
    const loginBox = page.locator('input[name="login"]');
    if (await loginBox.count()) {
      await loginBox.fill(login);
      await page.locator('input[name="password"]').fill('any');
    }
    const before = page.url();
    await Promise.all([page.waitForURL((url) => url.toString() !== before), page.locator('button[type="submit"]').first().click()]);
  }
  await page.waitForURL((url) => url.toString().startsWith(env.base));
  return { context, page, problems: () => [...problems], close: () => context.close() };
}

/** axe-core's serious and critical findings for the page as it is now: the one check every page test uses. */
export { seriousAxeViolations as seriousViolations } from '../../support/axe.js';

export interface ConsoleBrowser {
  /** Chromium, launched once for the file with the fake tenant's host mapped to its TLS front. */
  browser: () => Browser;
  /** Runs `work` in a signed-in tab; fails on any CSP violation or script error; keeps a screenshot in `artifacts` if it fails. */
  inTab: (login: keyof typeof ACCOUNTS, path: string, work: (tab: ConsoleTab) => Promise<void>, options?: { bypassCSP?: boolean }) => Promise<void>;
}

/** The browser half of a console test file: the TLS front and Chromium started before its tests, stopped after. */
export function useConsoleBrowser(env: ConsoleEnv, artifacts: string): ConsoleBrowser {
  let browser: Browser | undefined;
  let front: Awaited<ReturnType<typeof startEntraTlsFront>> | undefined;
  beforeAll(async () => {
    front = await startEntraTlsFront(env.entra);
    browser = await launchChromium([`--host-resolver-rules=MAP ${new URL(env.entra.issuer).host} 127.0.0.1:${front.port}`]);
  });
  afterAll(async () => {
    await browser?.close();
    await front?.stop();
  });
  const started = () => {
    if (!browser) throw new Error('the console browser is started in beforeAll');
    return browser;
  };
  return {
    browser: started,
    async inTab(login, path, work, options = {}) {
      const tab = await openConsole(started(), env, login, path, options);
      try {
        await work(tab);
        expect(tab.problems()).toEqual([]);
      } catch (error) {
        await screenshot(tab.page, `failed-${login}-${path.replace(/\W+/g, '-')}`, artifacts).catch(() => undefined);
        throw error;
      } finally {
        await tab.close();
      }
    },
  };
}
