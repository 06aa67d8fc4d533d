import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { botMessages, hasChromium, openChat, say, useCarepointInBrowser, waitForReply } from '../webchat/support/browser.js';
import { coordinators, eventually, FAST, queueApi } from './support.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/handoff/', import.meta.url));

async function picture(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.waitForTimeout(400); // Web Chat scrolls to the newest message
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
}

describe.skipIf(!hasChromium)('a live handoff in the local web chat, in Chromium', () => {
  const env = useCarepointInBrowser({ overrides: { ...FAST, coordinators } });

  it("shows the co-ordinator's reply on the patient's page, records the answer, and the assistant answers after hand-back", async () => {
    const chat = await openChat(env.browser, env.carepoint.url);
    const { page } = chat;
    const db = env.carepoint.carepoint.db;
    const sam = queueApi(env.carepoint.url, 'sam');
    try {
      await say(page, 'speak to a human');
      await waitForReply(page, /asked a care co-ordinator/);
      const { rows } = await db.query<{ id: string; conversation_id: string }>(
        `select id, conversation_id from concerns where details->>'wantsAPerson' = 'true' order by created_at desc limit 1`,
      );
      const concernId = rows[0]!.id;
      expect((await sam.claim(concernId)).status).toBe(200);
      expect((await sam.reply(concernId, 'Hello, this is Sam from the care team. How can I help?')).status).toBe(202);

      await waitForReply(page, /Sam from the co-ordination team is looking at your concern CP-/);
      await waitForReply(page, 'You are now talking to Sam, a care co-ordinator. If this becomes an emergency, call 999.');
      await waitForReply(page, 'Hello, this is Sam from the care team. How can I help?');
      await picture(page, '1-coordinator-reply');

      const shownBefore = await botMessages(page).count();
      await say(page, 'My appointment letter has the wrong date on it');
      const detail = await eventually(async () => {
        const d = await sam.detail(concernId);
        return d.events.some((e: { kind: string; data: { text?: string } }) => e.kind === 'patient-message' && e.data.text === 'My appointment letter has the wrong date on it') ? d : undefined;
      }, 10_000, 'the answer reaching the co-ordinator');
      expect(detail.transcript.map((t: { text: string }) => t.text)).toContain('My appointment letter has the wrong date on it');
      await page.waitForTimeout(1_000);
      expect(await botMessages(page).count()).toBe(shownBefore); // the assistant stayed silent
      await picture(page, '2-patient-answer');

      expect((await sam.handBack(concernId)).status).toBe(200);
      await waitForReply(page, "Sam has passed you back to Carepoint's assistant.");
      await say(page, 'how do I order a repeat prescription');
      await waitForReply(page, /prescription/i);
      await picture(page, '3-assistant-again');
      // Web Chat polls every second: each message it was given and then asked past is delivered.
      await eventually(async () => (await sam.detail(concernId)).replies.every((r: { status: string }) => r.status === 'delivered'), 10_000, 'delivered');
      expect((await sam.detail(concernId)).replies).toHaveLength(4);
      expect(chat.problems()).toEqual([]);
    } finally {
      await chat.close();
    }
  });
});
