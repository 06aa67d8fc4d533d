import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  choose, hasChromium, useCarepointInBrowser, messageBox, openChat, say, screenshot, scrollsSideways, waitForReply,
} from './support/browser.js';
import { seriousAxeViolations } from '../support/axe.js';

/**
 * WCAG 2.2 AA in the browser: axe-core's rules on the page with an emergency reply and with answer buttons, and
 * what axe cannot judge: names of controls (as the browser's accessibility tree computes them), reading order,
 * keyboard use, reflow at 320px, 200% zoom, and text contrast.
 */
describe.skipIf(!hasChromium)('chat page accessibility', () => {
  const env = useCarepointInBrowser();

  it('axe-core finds no serious or critical violation: on opening, after a 999 reply, and with answer buttons', async () => {
    const chat = await openChat(env.browser, env.carepoint.url);
    try {
      expect(await seriousAxeViolations(chat.page)).toEqual([]);
      await say(chat.page, 'my husband has collapsed and is not breathing');
      await waitForReply(chat.page, 'Call 999 now');
      expect(await seriousAxeViolations(chat.page)).toEqual([]);
      // (Not "talk to someone": that asks for a person at once, and offers the details after.)
      await say(chat.page, "I'm worried about something");
      await chat.page.getByRole('button', { name: 'Me', exact: true }).last().waitFor();
      expect(await seriousAxeViolations(chat.page)).toEqual([]);
    } finally {
      await chat.close();
    }
  });

  it('every form control has an accessible name, including the answer buttons', async () => {
    const chat = await openChat(env.browser, env.carepoint.url);
    try {
      await say(chat.page, "I'm worried about something");
      await waitForReply(chat.page, 'Is this concern about you');
      await chat.page.getByRole('button', { name: 'Me', exact: true }).last().waitFor();
      const unnamed = await unnamedControls(chat.page);
      expect(unnamed).toEqual([]);
      expect(chat.problems()).toEqual([]);
    } finally {
      await chat.close();
    }
  });

  it('the not-for-emergencies warning is the first thing after the header, before the chat', async () => {
    const chat = await openChat(env.browser, env.carepoint.url);
    try {
      const order = await chat.page.evaluate(() => {
        const header = document.querySelector('header.nhsuk-header')!;
        const main = document.querySelector('main')!;
        const warning = document.getElementById('not-for-emergencies')!;
        const webchat = document.getElementById('webchat')!;
        const follows = (a: Node, b: Node) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
        return {
          warningAfterHeader: follows(header, warning),
          warningBeforeChat: follows(warning, webchat),
          firstInMain: main.firstElementChild === warning,
          text: warning.textContent?.replace(/\s+/g, ' ').trim(),
        };
      });
      expect(order).toMatchObject({ warningAfterHeader: true, warningBeforeChat: true, firstInMain: true });
      expect(order.text).toMatch(/not for emergencies.*call 999/i);
    } finally {
      await chat.close();
    }
  });

  it('works with the keyboard alone: skip link first, then the message box, Enter sends', async () => {
    const chat = await openChat(env.browser, env.carepoint.url);
    const { page } = chat;
    try {
      await page.keyboard.press('Tab');
      expect(await focused(page)).toMatchObject({ text: 'Skip to main content' });
      await page.keyboard.press('Enter');
      expect(await focused(page)).toMatchObject({ id: 'maincontent' });
      let presses = 0;
      while (!(await messageBox(page).evaluate((el) => el === document.activeElement)) && presses < 15) {
        await page.keyboard.press('Tab');
        presses++;
      }
      expect(presses).toBeLessThan(15);
      await page.keyboard.type('What is HbA1c?');
      await page.keyboard.press('Enter');
      expect(await waitForReply(page, 'Source:')).toMatch(/HbA1c/i);
      expect(chat.problems()).toEqual([]);
    } finally {
      await chat.close();
    }
  });

  it('fits a 320px-wide phone with no sideways scrolling, answer buttons included', async () => {
    const chat = await openChat(env.browser, env.carepoint.url, { width: 320, height: 640, deviceScaleFactor: 2 });
    const { page } = chat;
    try {
      expect(await scrollsSideways(page)).toBe(false);
      await say(page, "I'm worried about someone");
      await waitForReply(page, 'Is this concern about you');
      await page.getByRole('button', { name: 'Someone I care for', exact: true }).last().waitFor();
      expect(await scrollsSideways(page)).toBe(false);
      const box = await messageBox(page).boundingBox();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(320);
      await screenshot(page, '05-phone-320px');
      expect(chat.problems()).toEqual([]);
    } finally {
      await chat.close();
    }
  });

  it('is still usable at 200% zoom (a 1280px window shows 640 CSS pixels)', async () => {
    const chat = await openChat(env.browser, env.carepoint.url, { width: 640, height: 400, deviceScaleFactor: 2 });
    const { page } = chat;
    try {
      expect(await scrollsSideways(page)).toBe(false);
      await messageBox(page).scrollIntoViewIfNeeded();
      await say(page, "I'm worried about something");
      await waitForReply(page, 'Is this concern about you');
      await choose(page, 'Someone I care for');
      await waitForReply(page, 'Who are they to you?');
      expect(await scrollsSideways(page)).toBe(false);
      await screenshot(page, '06-zoom-200pc');
      expect(chat.problems()).toEqual([]);
    } finally {
      await chat.close();
    }
  });

  it('text in the chat has at least 4.5:1 contrast with its background', async () => {
    const chat = await openChat(env.browser, env.carepoint.url);
    const { page } = chat;
    try {
      await say(page, "I'm worried about something");
      await waitForReply(page, 'Is this concern about you');
      await page.getByRole('button', { name: 'Me', exact: true }).last().waitFor();
      const pairs = await page.evaluate(() => {
        const opaqueBackground = (el: Element | null): string => {
          for (let e = el; e; e = e.parentElement) {
            const bg = getComputedStyle(e).backgroundColor;
            if (bg && bg !== 'transparent' && !bg.startsWith('rgba(0, 0, 0, 0)')) return bg;
          }
          return 'rgb(255, 255, 255)';
        };
        const sample = (name: string, selector: string) =>
          [...document.querySelectorAll(selector)].slice(-1).map((el) => ({
            name, color: getComputedStyle(el).color, background: opaqueBackground(el),
          }));
        return [
          ...sample('bot message', '.webchat__bubble:not(.webchat__bubble--from-user) .webchat__bubble__content'),
          ...sample('patient message', '.webchat__bubble--from-user .webchat__bubble__content'),
          ...sample('answer button', '.webchat__suggested-action'),
          ...sample('timestamp', '.webchat__activity-status'),
          ...sample('message box', '[data-id="webchat-sendbox-input"]'),
          ...sample('warning text', '#not-for-emergencies .nhsuk-card__description'),
        ];
      });
      expect(pairs.map((p) => p.name)).toEqual(
        ['bot message', 'patient message', 'answer button', 'timestamp', 'message box', 'warning text'],
      );
      for (const pair of pairs) {
        expect({ name: pair.name, ratio: contrast(pair.color, pair.background) >= 4.5 }).toEqual({ name: pair.name, ratio: true });
      }
    } finally {
      await chat.close();
    }
  });
});

/** Controls the browser's accessibility tree shows with no name (what a screen reader would announce). */
async function unnamedControls(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
    nodes: { ignored: boolean; role?: { value?: string }; name?: { value?: string } }[];
  };
  const controls = new Set(['button', 'textbox', 'searchbox', 'combobox', 'checkbox', 'radio', 'link', 'listbox', 'slider', 'spinbutton', 'switch']);
  const found = nodes.filter((n) => !n.ignored && controls.has(n.role?.value ?? ''));
  expect(found.some((n) => n.role?.value === 'textbox')).toBe(true);
  return found.filter((n) => !(n.name?.value ?? '').trim()).map((n) => n.role!.value!);
}

async function focused(page: Page): Promise<{ id: string; text: string }> {
  return page.evaluate(() => ({ id: document.activeElement?.id ?? '', text: document.activeElement?.textContent?.trim() ?? '' }));
}

/** WCAG contrast ratio of two computed colours (`rgb(...)`). */
function contrast(a: string, b: string): number {
  const luminance = (rgb: string) => {
    const [r, g, bl] = (rgb.match(/[\d.]+/g) ?? ['0', '0', '0']).slice(0, 3).map(Number).map((c) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}
