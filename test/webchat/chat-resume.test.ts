import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { WebChatTokens } from '../../src/channels/webchat/webchat-token.js';
import {
  botMessages, choose, hasChromium, messageBox, patientMessages, say, screenshot, useCarepointInBrowser, waitForReply,
  journey,
} from './support/browser.js';

const TOKEN_SECRET = 'webchat-resume-test-token-secret-0123456789';
const GREETING = 'Hello, I am Carepoint';

interface StoredChat {
  conversationId: string;
  token: string;
  domain: string;
}

/** What the page keeps for this tab, and whether anything went to localStorage (it must not). */
function storage(page: Page): Promise<{ chat: StoredChat | null; localStorageKeys: number }> {
  return page.evaluate(() => ({
    chat: JSON.parse(sessionStorage.getItem('carepoint.chat') ?? 'null') as StoredChat | null,
    localStorageKeys: localStorage.length,
  }));
}

/** The page keeps the chat once Direct Line is online. */
async function storedChat(page: Page): Promise<StoredChat> {
  await page.waitForFunction(() => sessionStorage.getItem('carepoint.chat') !== null);
  return (await storage(page)).chat!;
}

/**
 * A patient who reloads the chat page, or comes Back to it, in the same tab carries on the same conversation;
 * a new tab, "Start a new chat", or a token past refreshing gives a new one.
 */
describe.skipIf(!hasChromium)('web chat across page loads', () => {
  const env = useCarepointInBrowser({ env: { WEBCHAT_TOKEN_SECRET: TOKEN_SECRET } });


  it('a patient who reloads mid-concern sees the conversation so far and answers the same question', async () => {
    await journey(env, async ({ page }) => {
      await say(page, "I'm worried about something");
      await waitForReply(page, 'Is this concern about you');
      const before = await storedChat(page);

      await page.reload();
      await waitForReply(page, 'Is this concern about you');
      await patientMessages(page).filter({ hasText: "I'm worried about something" }).waitFor();
      // The same conversation, not a new one: one greeting, and the same conversation id.
      expect(await botMessages(page).filter({ hasText: GREETING }).count()).toBe(1);
      expect((await storedChat(page)).conversationId).toBe(before.conversationId);
      await screenshot(page, '05-resumed-after-reload');

      await choose(page, 'Me');
      await waitForReply(page, 'what is your full name?');
      await say(page, 'Alex Morgan');
      await waitForReply(page, 'date of birth?');
    });
  }, 60_000);

  it('comes Back to the same conversation after leaving the page in the same tab', async () => {
    await journey(env, async ({ page }) => {
      await say(page, 'What is HbA1c?');
      await waitForReply(page, 'Source:');
      await page.goto(`${env.carepoint.url}/healthz`);
      await page.goBack();
      await waitForReply(page, 'Source:');
      expect(await patientMessages(page).filter({ hasText: 'What is HbA1c?' }).count()).toBe(1);
      expect(await botMessages(page).filter({ hasText: GREETING }).count()).toBe(1);
    });
  });

  it('keeps the chat to this tab: nothing in localStorage, and a new tab starts its own chat', async () => {
    await journey(env, async ({ page }) => {
      await say(page, 'What is HbA1c?');
      await waitForReply(page, 'Source:');
      const mine = await storedChat(page);
      expect((await storage(page)).localStorageKeys).toBe(0);

      const other = await page.context().newPage();
      await other.goto(env.carepoint.url);
      await waitForReply(other, GREETING);
      expect(await patientMessages(other).count()).toBe(0);
      expect((await storedChat(other)).conversationId).not.toBe(mine.conversationId);
      await other.close();
    });
  });

  it('"Start a new chat" forgets the conversation, starts a new one and puts the patient in the message box', async () => {
    await journey(env, async ({ page }) => {
      await say(page, 'What is HbA1c?');
      await waitForReply(page, 'Source:');
      const first = await storedChat(page);

      const button = page.getByRole('button', { name: 'Start a new chat' });
      expect(await button.isVisible()).toBe(true);
      await Promise.all([page.waitForEvent('load'), button.click()]);
      await waitForReply(page, GREETING);
      expect(await patientMessages(page).count()).toBe(0);
      expect((await storedChat(page)).conversationId).not.toBe(first.conversationId);
      await page.waitForFunction(() => document.activeElement?.tagName === 'TEXTAREA');
      expect(await messageBox(page).evaluate((el) => el === document.activeElement)).toBe(true);

      // And a reload after that stays with the new chat. (Reload only once Carepoint has answered: the bubble
      // shows as soon as the patient presses Enter, before the message has reached the server.)
      const replies = await botMessages(page).count();
      await say(page, 'thank you');
      await expect.poll(() => botMessages(page).count(), { timeout: 15_000 }).toBeGreaterThan(replies);
      await page.reload();
      await patientMessages(page).filter({ hasText: 'thank you' }).waitFor();
      expect(await patientMessages(page).filter({ hasText: 'What is HbA1c?' }).count()).toBe(0);
    });
  });

  it('starts a new chat when the kept token has expired beyond refresh', async () => {
    await journey(env, async ({ page }) => {
      await say(page, 'What is HbA1c?');
      await waitForReply(page, 'Source:');
      const kept = await storedChat(page);
      // The same conversation's token, as it would be two hours later: past its 30 minutes, so refresh is 403.
      const expired = new WebChatTokens(TOKEN_SECRET, new ManualClock(new Date(Date.now() - 2 * 60 * 60_000)))
        .issue({ conversationId: kept.conversationId, userId: 'dl_expired' }).token;
      // Set from another page of the same tab: the chat page itself keeps its live token as it unloads.
      await page.goto(`${env.carepoint.url}/healthz`);
      await page.evaluate((chat) => sessionStorage.setItem('carepoint.chat', JSON.stringify(chat)), { ...kept, token: expired });

      await page.goto(env.carepoint.url);
      await waitForReply(page, GREETING);
      await page.waitForFunction((old) => JSON.parse(sessionStorage.getItem('carepoint.chat') ?? '{}').conversationId !== old,
        kept.conversationId);
      expect(await patientMessages(page).count()).toBe(0);
      await say(page, 'What is HbA1c?');
      await waitForReply(page, 'Source:');
    });
  });
});
