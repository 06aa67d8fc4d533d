import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openConsole, seriousViolations, useConsoleBrowser, type ConsoleTab } from '../console/support/console-browser.js';
import { useConsole } from '../console/support/console-setup.js';
import { botMessages, choose, hasChromium, openChat, raiseConcernInChat, say, screenshot, waitForReply, type ChatPage } from '../webchat/support/browser.js';
import { FAST } from './support.js';

/**
 * The whole live handoff in Chromium, on one Carepoint on loopback: the patient in the local web chat page, the
 * co-ordinator (Bob, signed in through the local OpenID provider) in the console, each in a page of their own.
 * Everything the co-ordinator does is done with the console page's own buttons and boxes; nothing reloads the
 * console's concern page but its own forms.
 */

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/handoff/', import.meta.url));

/** Both pages as they are at this step of the story. */
async function pictures(step: string, chat: Page, console: Page): Promise<void> {
  await screenshot(chat, `console-${step}-patient`, ARTIFACTS);
  await screenshot(console, `console-${step}-coordinator`, ARTIFACTS);
}


const banner = (page: Page) => page.locator('.nhsuk-notification-banner');
const notReloaded = (page: Page) => page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded === true);
const markNotReloaded = (page: Page) => page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

describe.skipIf(!hasChromium)('a live handoff through the console, in Chromium', () => {
  const env = useConsole({ overrides: FAST });
  const consoleBrowser = useConsoleBrowser(env, ARTIFACTS);
  const browser = () => consoleBrowser.browser();

  it('the co-ordinator claims, replies, hears the answer live and hands back, all on the console page; the patient sees each step in the web chat', async () => {
    let tab: ConsoleTab | undefined;
    let chat: ChatPage | undefined;
    try {
      tab = await openConsole(browser(), env, 'bob', '/console/queue');
      chat = await openChat(browser(), env.base);
      const coordinator = tab.page;
      const patient = chat.page;
      await coordinator.locator('#live-note', { hasText: 'This page updates itself' }).waitFor();

      // The patient raises a concern; it appears in the open queue without a reload.
      const reference = await raiseConcernInChat(patient);
      const link = coordinator.getByRole('link', { name: reference, exact: true });
      await link.waitFor({ timeout: 10_000 });
      await pictures('1-concern-in-queue', patient, coordinator);

      // Opened and claimed with the page's button.
      await link.click();
      await coordinator.waitForURL(/\/console\/queue\/[0-9a-f-]{36}$/);
      expect(await coordinator.locator('h1').innerText()).toBe(`Concern ${reference}`);
      expect(await coordinator.locator('#live-region').innerText()).toMatch(/metformin prescription/);
      await coordinator.getByRole('button', { name: 'Claim this concern' }).click();
      await banner(coordinator).filter({ hasText: 'You have claimed this concern' }).waitFor();

      // A reply typed in the page's reply box: the patient is told who they are talking to, then gets it.
      await coordinator.getByLabel('Reply to the person').fill('Hello Alex, this is Bob from the care team. I am looking at your prescription now.');
      await coordinator.getByRole('button', { name: 'Record reply' }).click();
      await banner(coordinator).filter({ hasText: 'Reply recorded and being sent to the person in their chat' }).waitFor();
      await waitForReply(patient, 'You are now talking to Bob, a care co-ordinator. If this becomes an emergency, call 999.');
      await waitForReply(patient, 'Hello Alex, this is Bob from the care team. I am looking at your prescription now.');
      expect(await coordinator.getByText('You are talking with the person live').count()).toBe(1);
      // The reply's delivery shows on the open page as it happens: the patient's chat has fetched it.
      await coordinator.locator('#live-note', { hasText: 'This page updates itself' }).waitFor();
      await markNotReloaded(coordinator);
      const reply = coordinator.locator('.carepoint-message--coordinator', { hasText: 'I am looking at your prescription now.' });
      await reply.locator('.carepoint-message__note', { hasText: '(delivered: their chat has fetched it)' }).waitFor({ timeout: 10_000 });
      // The reply shows once, as the co-ordinator's, after the notice the patient was given first.
      const lines = await coordinator.locator('.carepoint-message').allInnerTexts();
      const at = (text: string) => lines.findIndex((l) => l.includes(text));
      expect(lines.filter((l) => l.includes('I am looking at your prescription now.'))).toHaveLength(1);
      expect(at('You are now talking to Bob')).toBeLessThan(at('I am looking at your prescription now.'));
      await pictures('2-reply-delivered', patient, coordinator);

      // Accessibility of the concern page while the handoff is live (the hand-back button and all).
      expect(await seriousViolations(coordinator)).toEqual([]);

      // The patient answers; it reaches the console's open concern page live; the assistant stays silent.
      const shownBefore = await botMessages(patient).count();
      await say(patient, 'Thank you. The pharmacy is the one on the high street.');
      await coordinator.locator('.carepoint-message--person', { hasText: 'The pharmacy is the one on the high street.' }).waitFor({ timeout: 10_000 });
      await expect.poll(() => coordinator.locator('#live-status').innerText()).toMatch(/This concern was updated: \d+ new messages?\./);
      expect(await notReloaded(coordinator)).toBe(true);
      expect(await botMessages(patient).count()).toBe(shownBefore);
      await pictures('3-answer-live-in-console', patient, coordinator);

      // Handed back with the page's button: the patient is told, and the assistant answers questions again.
      await coordinator.getByRole('button', { name: 'Hand back to Carepoint' }).click();
      await banner(coordinator).filter({ hasText: 'The conversation is back with Carepoint' }).waitFor();
      expect(await coordinator.getByRole('button', { name: 'Hand back to Carepoint' }).count()).toBe(0);
      await waitForReply(patient, "Bob has passed you back to Carepoint's assistant.");
      await say(patient, 'how do I order a repeat prescription');
      await waitForReply(patient, /repeat prescription/i);
      // The history says what happened in words.
      const history = await coordinator.locator('#history-caption').locator('xpath=ancestor::table').innerText();
      for (const what of ['Live conversation started', 'Message from the person', 'Live conversation ended']) expect(history).toContain(what);
      await pictures('4-handed-back', patient, coordinator);

      expect(tab.problems()).toEqual([]);
      expect(chat.problems()).toEqual([]);
    } catch (error) {
      if (chat) await screenshot(chat.page, 'console-failed-patient', ARTIFACTS).catch(() => undefined);
      if (tab) await screenshot(tab.page, 'console-failed-coordinator', ARTIFACTS).catch(() => undefined);
      throw error;
    } finally {
      await chat?.close();
      await tab?.close();
    }
  }, 120_000);

  it('"talk to someone" in the web chat: the request is in the queue first, the promise is shown, and Yes starts the details', async () => {
    const chat = await openChat(browser(), env.base);
    try {
      const { page } = chat;
      await say(page, 'talk to someone');
      const told = await waitForReply(page, /^I have asked a care co-ordinator/);
      const reference = /\(reference (CP-[A-HJ-NP-Z2-9]{6})\)/.exec(told)?.[1];
      expect(told).toMatch(/Shall we do that\?$/);
      const { rows } = await env.carepoint.carepoint.db.query<{ details: Record<string, unknown> }>('select details from concerns where reference = $1', [reference]);
      expect(rows[0]?.details.wantsAPerson).toBe(true);
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'console-5-talk-to-someone-offer', ARTIFACTS);
      await choose(page, 'Yes');
      await waitForReply(page, 'Is this concern about you');
      expect(chat.problems()).toEqual([]);
    } finally {
      await chat.close();
    }
  }, 60_000);
});
