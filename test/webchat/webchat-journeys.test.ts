import { describe, expect, it } from 'vitest';
import { DEV_TOKEN } from '../support/start-carepoint.js';
import { botMessages, choose, hasChromium, journey, openChat, raiseConcernInChat, say, screenshot, useCarepointInBrowser, waitForReply } from './support/browser.js';
import { seriousAxeViolations } from '../support/axe.js';

/**
 * A patient in a real browser (Debian's headless Chromium) on the chat page, with the embedded defaults:
 * no Azure, Carepoint serves Direct Line itself. Screenshots of each step go to test-artifacts/webchat/.
 */
describe.skipIf(!hasChromium)('web chat in the browser', () => {
  const env = useCarepointInBrowser();


  it('a patient opens the page, asks a question and sees the answer with its source', async () => {
    await journey(env, async ({ page }) => {
      expect(await page.getByRole('heading', { name: /This chat is not for emergencies/ }).isVisible()).toBe(true);
      await screenshot(page, '01-page-open');

      await say(page, 'How do I get my repeat prescription?');
      const answer = await waitForReply(page, 'Source:');
      expect(answer).toMatch(/repeat prescription/i);
      expect(answer).toMatch(/Source: .+, reviewed \d{1,2} \w{3} \d{4}\./);
      await screenshot(page, '02-question-answer');
    });
  });

  // Web Chat's markdown renderer turns ' into ’, so the co-ordination note is matched with either.
  it('a patient types an emergency and sees the 999 advice', async () => {
    await journey(env, async ({ page }) => {
      await say(page, 'My dad has crushing chest pain and is sweating');
      const advice = await waitForReply(page, 'Call 999 now');
      expect(advice).toMatch(/^Call 999 now/);
      await waitForReply(page, /(alerted the care co-ordination team|care co-ordination team['’]s list) \(ref CP-[A-Z0-9]+\)/);
      await screenshot(page, '03-emergency-999');

      const queue = (await (await fetch(`${env.carepoint.url}/api/queue`, { headers: { authorization: `Bearer ${DEV_TOKEN}` } })).json()) as {
        items: { priority: string; channel: string }[];
      };
      expect(queue.items).toContainEqual(expect.objectContaining({ priority: 'emergency', channel: 'chat' }));
    });
  });

  for (const [width, height] of [[375, 740], [1280, 800]] as const) {
    it(`at ${width} px the 999 reply is a red emergency care card with a tel:999 link, scrolled to its start`, async () => {
      const chat = await openChat(env.browser, env.carepoint.url, { width, height });
      const { page } = chat;
      try {
        await say(page, 'my husband has collapsed and is not breathing');
        const card = page.locator('.carepoint-care-card--emergency');
        await card.waitFor({ state: 'visible' });
        // The co-ordination note comes after it, and Web Chat follows the newest message: wait for both.
        await waitForReply(page, /co-ordination team/);
        await page.waitForTimeout(1_000);
        const seen = await card.evaluate((bubble) => {
          const content = bubble.querySelector('.webchat__bubble__content')!;
          const link = bubble.querySelector('a[href="tel:999"]');
          return {
            background: getComputedStyle(content).backgroundColor,
            link: link?.textContent?.replace(/\u200b/g, ''),
            top: Math.round(bubble.getBoundingClientRect().top),
            viewport: window.innerHeight,
          };
        });
        expect(seen.background).toBe('rgb(213, 40, 27)');
        expect(seen.link).toBe('Call 999');
        // "Call 999" is on screen, near the top, not scrolled away under the notes that follow.
        expect(seen.top).toBeGreaterThanOrEqual(-2);
        expect(seen.top).toBeLessThan(seen.viewport / 2);
        // Only the instruction is a care card; the note after it is an ordinary reply.
        expect(await page.locator('.carepoint-care-card').count()).toBe(1);
        expect(await seriousAxeViolations(page)).toEqual([]);
        await screenshot(page, `07-emergency-card-${width}px`);
        // NHS 111 in the greeting is a link to dial too.
        expect(await page.locator('a[href="tel:111"]').count()).toBeGreaterThan(0);
        expect(chat.problems()).toEqual([]);
      } finally {
        await chat.close();
      }
    });
  }

  it('a patient raises a concern with the answer buttons and sees its reference', async () => {
    await journey(env, async ({ page }) => {
      // Two of its lists have a label longer than botbuilder's 20-character limit for buttons, so they come as
      // numbered lists: the patient types those answers.
      await raiseConcernInChat(page);
      expect(await botMessages(page).filter({ hasText: 'Here is what I will pass on' }).last().innerText())
        .toContain('Condition: Diabetes');
      expect(await waitForReply(page, 'Your reference is')).toMatch(/Your reference is CP-[A-Z0-9]+\./);
      await screenshot(page, '04-concern-reference');
    });
  }, 90_000);
});
