import { describe, expect, it } from 'vitest';
import { DEV_TOKEN } from '../support/start-carepoint.js';
import {
  botMessages, choose, hasChromium, useCarepointInBrowser, say, screenshot, waitForReply, journey,
} from './support/browser.js';

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

  it('a patient raises a concern with the answer buttons and sees its reference', async () => {
    await journey(env, async ({ page }) => {
      await say(page, "I'm worried about something");
      await waitForReply(page, 'Is this concern about you');
      await choose(page, 'Me');
      await waitForReply(page, 'what is your full name?');
      await say(page, 'Alex Morgan');
      await waitForReply(page, 'date of birth?');
      await say(page, '31/01/1950');
      // These two lists have a label longer than botbuilder's 20-character limit for buttons, so they come as
      // numbered lists: the patient types the answer.
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
      expect(await botMessages(page).filter({ hasText: 'Here is what I will pass on' }).last().innerText())
        .toContain('Condition: Diabetes');
      await choose(page, 'Yes, send it');
      const done = await waitForReply(page, 'Your reference is');
      expect(done).toMatch(/Your reference is CP-[A-Z0-9]+\./);
      await screenshot(page, '04-concern-reference');
    });
  }, 90_000);
});
