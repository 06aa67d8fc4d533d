import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { BotClient } from '../../src/tools/bot-client.js';
import { CONCERN_ANSWERS } from '../support/concern-answers.js';
import { DEV_TOKEN } from '../support/start-carepoint.js';
import { hasChromium, screenshot, scrollsSideways } from '../webchat/support/browser.js';
import { seriousViolations, useConsoleBrowser } from './support/console-browser.js';
import { raiseConcern, useConsole } from './support/console-setup.js';

/**
 * The console in Chromium, signed in through the local OpenID provider: a concern raised over chat appears on the
 * open queue page without a reload, is claimed, noted and resolved, and an Admin then finds it all in the audit log.
 */

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/console/', import.meta.url));

/**
 * A patient raising a concern over chat (POST /api/messages), as far as the last answer; `submit` gives that answer,
 * which commits the concern, and resolves with its reference. The dialog runs while the browser signs in.
 */
function concernOverChat(url: string): { submit: () => Promise<string> } {
  const patient = new BotClient(url);
  const answers = [...CONCERN_ANSWERS];
  const last = answers.pop()!;
  const ready = (async () => {
    await patient.join();
    await patient.say("I'm worried");
    await patient.say('me');
    for (const answer of answers) await patient.say(answer);
  })();
  return {
    async submit() {
      await ready;
      const reply = await patient.say(last);
      const reference = /Your reference is (CP-[A-HJ-NP-Z2-9]{6})/.exec(reply)?.[1];
      if (!reference) throw new Error(`no reference in: ${reply}`);
      return reference;
    },
  };
}

const banner = (page: Page) => page.locator('.nhsuk-notification-banner');

describe.skipIf(!hasChromium)('the console in a browser', () => {
  const env = useConsole();
  const { inTab } = useConsoleBrowser(env, ARTIFACTS);

  it('shows a concern raised over chat live on the queue, then claim, note and resolve; an Admin sees it in the audit log', async () => {
    let reference = '';
    const patient = concernOverChat(env.base);
    await inTab('bob', '/console/queue', async ({ page }) => {
      await expect.poll(() => page.locator('h1').innerText()).toBe('Queue');
      await page.locator('#live-note', { hasText: 'This page updates itself' }).waitFor();
      await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

      reference = await patient.submit();
      const link = page.getByRole('link', { name: reference, exact: true });
      await link.waitFor({ timeout: 10_000 });
      expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
      await expect.poll(() => page.locator('#live-status').innerText()).toMatch(/Queue updated: \d+ new/);
      await screenshot(page, '1-queue-with-live-concern', ARTIFACTS);

      await link.click();
      await page.waitForURL(/\/console\/queue\/[0-9a-f-]{36}$/);
      expect(await page.locator('h1').innerText()).toBe(`Concern ${reference}`);
      expect(await page.locator('#live-region').innerText()).toMatch(/dialysis appointment/);
      // Keyboard only: the claim button is reached and pressed without the mouse.
      await page.getByRole('button', { name: 'Claim this concern' }).focus();
      await page.keyboard.press('Enter');
      await banner(page).filter({ hasText: 'You have claimed this concern' }).waitFor();

      // Someone else's change shows on the open page without a reload (once the page is listening).
      await page.locator('#live-note', { hasText: 'This page updates itself' }).waitFor();
      const id = new URL(page.url()).pathname.split('/').pop()!;
      const api = await fetch(`${env.base}/api/queue/${id}/note`, {
        method: 'POST', headers: { authorization: `Bearer ${DEV_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'The hospital has the referral' }),
      });
      expect(api.status).toBe(201);
      await page.locator('#live-region', { hasText: 'The hospital has the referral' }).waitFor({ timeout: 10_000 });
      await expect.poll(() => page.locator('#live-status').innerText()).toBe('This concern was updated.');

      await page.getByLabel('Add a note').fill('Rang the renal unit: letter sent today');
      await page.getByRole('button', { name: 'Add note' }).click();
      await banner(page).filter({ hasText: 'Note added.' }).waitFor();
      await page.getByLabel('Advice given').check();
      await page.getByLabel('What was done (optional)').fill('Told her the appointment date');
      await page.getByRole('button', { name: 'Resolve', exact: true }).click();
      await banner(page).filter({ hasText: 'Concern resolved: Advice given.' }).waitFor();
      expect(await page.locator('#live-region').innerText()).toMatch(/Rang the renal unit/);
      await screenshot(page, '2-concern-resolved', ARTIFACTS);
    });

    await inTab('ada', `/console/audit?concern=${reference}`, async ({ page }) => {
      expect(await page.getByLabel('Concern', { exact: true }).inputValue()).toBe(reference); // back on the page asked for, after sign-in
      const rows = await page.locator('tbody tr').allInnerTexts();
      expect(rows.every((r) => r.includes(reference))).toBe(true);
      const actions = rows.map((r) => r.split('\t').map((c) => c.trim())).filter((cells) => cells[1]?.startsWith('Bob Test')).map((cells) => cells[2]);
      expect(actions).toEqual(expect.arrayContaining(['claim', 'note', 'resolve', 'view']));
      expect(actions.indexOf('resolve')).toBeLessThan(actions.indexOf('claim')); // newest first
      await screenshot(page, '3-audit-log', ARTIFACTS);
    });
  }, 55_000);

  it('has no serious or critical axe-core violations on the queue, concern, audit, landing and 403 pages', async () => {
    const item = await raiseConcern(env);
    const results: Record<string, unknown[]> = {};
    await inTab('alice', '/console', async ({ page }) => {
      results.landing = await seriousViolations(page);
      await page.goto(`${env.base}/console/queue`);
      results.queue = await seriousViolations(page);
      await page.goto(`${env.base}/console/queue/${item.id}`);
      results.concern = await seriousViolations(page);
      // A refused form: the error summary and the field's own message.
      await page.getByRole('button', { name: 'Add note' }).click();
      await page.locator('.nhsuk-error-summary').waitFor();
      results['concern with an error'] = await seriousViolations(page);
      await page.goto(`${env.base}/console/audit`);
      results.audit = await seriousViolations(page);
      // The date input's three boxes, by their labels, with a day that does not exist.
      const from = page.getByRole('group', { name: 'From' });
      await from.getByLabel('Day').fill('31');
      await from.getByLabel('Month').fill('2');
      await from.getByLabel('Year').fill('2026');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.locator('.nhsuk-error-summary').filter({ hasText: 'From date must be a real date' }).waitFor();
      results['audit with a date error'] = await seriousViolations(page);
      // Reflow (WCAG 1.4.10): at 320 CSS pixels nothing but the data tables' own scroll areas goes sideways.
      await page.setViewportSize({ width: 320, height: 800 });
      for (const path of ['/console/queue', `/console/queue/${item.id}`, '/console/audit']) {
        await page.goto(env.base + path);
        expect(await scrollsSideways(page), path).toBe(false);
      }
    }, { bypassCSP: true });
    await inTab('bob', '/console/audit', async ({ page }) => {
      expect(await page.locator('h1').innerText()).toBe('You need the Admin role');
      results['403'] = await seriousViolations(page);
    }, { bypassCSP: true });
    expect(results).toEqual({ landing: [], queue: [], concern: [], 'concern with an error': [], audit: [], 'audit with a date error': [], 403: [] });
  }, 55_000);
});
