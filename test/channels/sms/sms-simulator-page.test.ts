import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from '../../webchat/support/browser.js';
import { startSmsWorld, type SmsWorld } from './sms-setup.js';

describe.skipIf(!hasChromium)('the SMS simulator page in Chromium', () => {
  let world: SmsWorld;
  let browser: Browser;
  beforeAll(async () => {
    world = await startSmsWorld({ env: { NODE_ENV: 'development', SMS_SIMULATOR: 'true' } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await world?.stop();
  });

  it('sends on Enter (Shift+Enter is a new line) and keeps the newest message in view', async () => {
    const page = await browser.newPage({ viewport: { width: 480, height: 500 } });
    await page.goto(`${world.carepoint.url}/dev/sms`);
    const message = page.locator('#body');
    await message.fill('hello');
    await message.press('Shift+Enter');
    await message.pressSequentially('there');
    expect(await message.inputValue()).toBe('hello\nthere');
    await message.press('Enter');
    await expect.poll(() => page.locator('.msg.out').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await message.inputValue()).toBe('');
    expect(await page.locator('.msg.in').first().textContent()).toBe('hello\nthere');

    for (const text of ['how do i get a repeat prescription', 'how do i change an appointment', 'thank you']) {
      const replies = await page.locator('.msg.out').count();
      await message.fill(text);
      await message.press('Enter');
      await expect.poll(() => page.locator('.msg.out').count(), { timeout: 10_000 }).toBeGreaterThan(replies);
    }
    const newest = page.locator('#thread .msg').last();
    // Past the first screen by now; the newest message is scrolled into view (its start, at least).
    expect(await page.evaluate(() => document.documentElement.scrollHeight > window.innerHeight)).toBe(true);
    await expect.poll(async () => {
      const box = (await newest.boundingBox())!;
      return box.y >= 0 && box.y < 500 - 20;
    }).toBe(true);
    await page.close();
  });
});
