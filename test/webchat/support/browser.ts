import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { startCarepoint, type RunningCarepoint } from '../../support/start-carepoint.js';

import { CHROMIUM_PATH, hasChromium } from '../../support/chromium.js';

export { CHROMIUM_PATH, hasChromium };
// Locally the browser tests may be skipped without Chromium; in CI (.ci/run installs it) that is a failure.
if (!hasChromium && process.env.CI) throw new Error(`${CHROMIUM_PATH} is missing: .ci/run must install Debian's chromium`);

export const ARTIFACTS_DIR = fileURLToPath(new URL('../../../test-artifacts/webchat/', import.meta.url));

/** `extraArgs`: more Chromium switches (the console tests map the fake tenant's name with --host-resolver-rules). */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}

export interface ChatPage {
  page: Page;
  /** Content-Security-Policy violations and uncaught script errors seen so far. */
  problems: () => string[];
  close: () => Promise<void>;
}

/** Opens the chat page in a fresh browser context and waits for Carepoint's greeting. */
export async function openChat(
  browser: Browser,
  url: string,
  options: { width?: number; height?: number; deviceScaleFactor?: number } = {},
): Promise<ChatPage> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1024, height: options.height ?? 900 },
    deviceScaleFactor: options.deviceScaleFactor ?? 1,
    locale: 'en-GB',
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`script error: ${error.message}`));
  await page.exposeFunction('reportCspViolation', (text: string) => problems.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { reportCspViolation: (t: string) => void })
        .reportCspViolation(`CSP ${e.violatedDirective} blocked ${e.blockedURI}`);
    });
  });
  await page.goto(url);
  await waitForReply(page, 'Hello, I am Carepoint');
  return { page, problems: () => [...problems], close: () => context.close() };
}

/** Carepoint's messages (not the patient's). */
export function botMessages(page: Page) {
  return page.locator('.webchat__bubble:not(.webchat__bubble--from-user) .webchat__bubble__content');
}

export async function waitForReply(page: Page, text: string | RegExp, timeout = 15_000): Promise<string> {
  const reply = botMessages(page).filter({ hasText: text }).last();
  await reply.waitFor({ state: 'visible', timeout });
  // Without the zero-width spaces Web Chat puts around links.
  return (await reply.innerText()).replace(/\u200b/g, '').trim();
}

export function messageBox(page: Page) {
  return page.getByRole('textbox', { name: 'Your message to Carepoint' });
}

/** Types a message the way a patient does, and sends it with Enter. */
export async function say(page: Page, text: string): Promise<void> {
  const box = messageBox(page);
  await box.fill(text);
  await box.press('Enter');
  await page.locator('.webchat__bubble--from-user .webchat__bubble__content').filter({ hasText: text }).last()
    .waitFor({ state: 'visible' });
}

/** Clicks one of the answers offered as buttons (a choice prompt's suggested actions). */
export async function choose(page: Page, label: string): Promise<void> {
  await page.getByRole('toolbar', { name: 'Answers you can choose' }).getByRole('button', { name: label, exact: true }).click();
  await page.locator('.webchat__bubble--from-user .webchat__bubble__content').filter({ hasText: label }).last()
    .waitFor({ state: 'visible' });
}

/** Keeps a picture of this step of the journey as a test artifact (in `dir`, by default the web chat's). */
export async function screenshot(page: Page, name: string, dir = ARTIFACTS_DIR): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const path = `${dir}${name}.png`;
  // Let Web Chat finish scrolling to the newest message.
  await page.waitForTimeout(400);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** True when the page is wider than the window (a horizontal scroll bar). */
export function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
}

/** Patient messages shown in the chat. */
export function patientMessages(page: Page) {
  return page.locator('.webchat__bubble--from-user .webchat__bubble__content');
}

/**
 * A running Carepoint and a Chromium for the tests of one file, started before them and stopped after.
 * Read its fields inside tests (they are set in beforeAll).
 */
export function useCarepointInBrowser(
  options: Parameters<typeof startCarepoint>[0] = {},
): { carepoint: RunningCarepoint; browser: Browser } {
  const env = {} as { carepoint: RunningCarepoint; browser: Browser };
  beforeAll(async () => {
    [env.carepoint, env.browser] = await Promise.all([startCarepoint(options), launchChromium()]);
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.carepoint?.stop();
  });
  return env;
}

/**
 * Opens the chat page, runs a journey on it, fails on any page error, keeps a screenshot when it fails,
 * and closes the page.
 */
export async function journey(
  env: { carepoint: RunningCarepoint; browser: Browser },
  work: (chat: ChatPage) => Promise<void>,
): Promise<void> {
  const chat = await openChat(env.browser, env.carepoint.url);
  try {
    await work(chat);
    expect(chat.problems()).toEqual([]);
  } catch (error) {
    await screenshot(chat.page, `failed-${expect.getState().currentTestName?.replace(/\W+/g, '-').slice(0, 60)}`);
    throw error;
  } finally {
    await chat.close();
  }
}

/** The patient raises a concern through the concern dialog, with the chat page's buttons where it offers them; its reference. */
export async function raiseConcernInChat(page: Page): Promise<string> {
  await say(page, "I'm worried about something");
  await waitForReply(page, 'Is this concern about you');
  await choose(page, 'Me');
  await waitForReply(page, 'what is your full name?');
  await say(page, 'Alex Morgan');
  await waitForReply(page, 'date of birth?');
  await say(page, '31/01/1950');
  await waitForReply(page, 'Which condition or care is this about?');
  await say(page, 'Diabetes');
  await waitForReply(page, 'What kind of concern is it?');
  await say(page, 'Medicines');
  await waitForReply(page, 'In your own words');
  await say(page, 'The pharmacy says my metformin prescription has not come through from the GP.');
  await waitForReply(page, 'How soon does this need attention?');
  await choose(page, 'In the next few days');
  await waitForReply(page, 'How would you like the co-ordinator to contact you?');
  await choose(page, 'Reply here');
  await waitForReply(page, 'When is best to reach you?');
  await choose(page, 'Any time');
  await waitForReply(page, 'May we share this with the care team');
  await choose(page, 'Yes');
  await waitForReply(page, 'Is that right?');
  await choose(page, 'Yes, send it');
  const done = await waitForReply(page, 'Your reference is');
  const reference = /Your reference is (CP-[A-HJ-NP-Z2-9]{6})/.exec(done)?.[1];
  if (!reference) throw new Error(`no reference in: ${done}`);
  return reference;
}
