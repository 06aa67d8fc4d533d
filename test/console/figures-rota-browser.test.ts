import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { onCallAt } from '../../src/oncall/on-call.js';
import { hasChromium, screenshot, scrollsSideways } from '../webchat/support/browser.js';
import { FIGURES_NOW, insertKnownFigures } from '../concerns/support/figures-rows.js';
import { FULL_ROTA } from '../oncall/fixtures.js';
import { seriousViolations, useConsoleBrowser } from './support/console-browser.js';
import { useConsole } from './support/console-setup.js';

/** The figures and rota pages in Chromium, signed in through the local OpenID provider: rendered, used, and checked with axe. */

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/console/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'carepoint-rota-browser-'));
const ROTA = join(dir, 'rota.yaml');
writeFileSync(ROTA, FULL_ROTA);

describe.skipIf(!hasChromium)('the figures and rota pages in a browser', () => {
  const env = useConsole({ env: { ROTA_FILE: ROTA }, overrides: { clock: new ManualClock(FIGURES_NOW) } });
  const { inTab } = useConsoleBrowser(env, ARTIFACTS);
  beforeAll(() => insertKnownFigures(env.carepoint.carepoint.db));

  it('draws the figures as charts with their tables, filters them, and has no serious or critical axe-core violations', async () => {
    const results: Record<string, unknown[]> = {};
    await inTab('bob', '/console/figures', async ({ page }) => {
      expect(await page.locator('h1').innerText()).toBe('Patient experience figures');
      const charts = page.getByRole('img', { name: /by week, all pathways/ });
      expect(await charts.count()).toBe(4);
      // The chart draws: bars with a real size.
      const bar = await page.locator('#response-table').locator('xpath=ancestor::section').locator('rect.carepoint-chart__bar').first().boundingBox();
      expect(bar!.height).toBeGreaterThan(10);
      await page.getByLabel('Pathway', { exact: true }).selectOption('epilepsy');
      await page.getByLabel('Period', { exact: true }).selectOption('4');
      await page.getByRole('button', { name: 'Show figures' }).click();
      await page.waitForURL(/\/console\/figures\?weeks=4&pathway=epilepsy$/);
      expect(await page.getByRole('img', { name: 'First contact within target, by week, epilepsy' }).count()).toBe(1);
      expect(await page.locator('#response-table tbody tr').last().innerText()).toMatch(/^Whole period\t1\t1\t10 min\t1\t0\t100%$/);
      await screenshot(page, 'figures-epilepsy', ARTIFACTS);
    });
    await inTab('alice', '/console/figures', async ({ page }) => {
      results.figures = await seriousViolations(page);
      await screenshot(page, 'figures', ARTIFACTS);
      await page.goto(`${env.base}/console/rota`);
      results.rota = await seriousViolations(page);
      // Reflow (WCAG 1.4.10): at 320 CSS pixels nothing but the tables' own scroll areas goes sideways.
      await page.setViewportSize({ width: 320, height: 800 });
      for (const path of ['/console/figures', '/console/rota']) {
        await page.goto(env.base + path);
        expect(await scrollsSideways(page), path).toBe(false);
      }
    }, { bypassCSP: true });
    expect(results).toEqual({ figures: [], rota: [] });
  }, 55_000);

  it('edits the rota in the page: an invalid one refused with file:line in the error summary, a valid one in force at once', async () => {
    const results: Record<string, unknown[]> = {};
    await inTab('ada', '/console/rota', async ({ page }) => {
      expect(await page.locator('h1').innerText()).toBe('On-call rota');
      const editor = page.getByLabel(/The rota file/);
      await editor.fill(FULL_ROTA.replace('primary: sam, backup: alex', 'primary: nobody, backup: alex'));
      await page.getByRole('button', { name: 'Save the rota' }).click();
      const summary = page.locator('.nhsuk-error-summary');
      await summary.waitFor();
      expect(await summary.innerText()).toContain(`${ROTA}:8: primary: "nobody" is not one of the people listed under people:`);
      // The summary's link takes the keyboard to the editor.
      await summary.getByRole('link').first().click();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('rota-text');
      results['rota with an error'] = await seriousViolations(page);
      expect(onCallAt(env.carepoint.carepoint.rota.current()!, FIGURES_NOW)).toMatchObject({ primary: { id: 'sam' } });

      await editor.fill(FULL_ROTA.replace('primary: sam, backup: alex', 'primary: kim, backup: alex'));
      await page.getByRole('button', { name: 'Save the rota' }).click();
      await page.locator('.nhsuk-notification-banner', { hasText: 'The rota is saved and in force now' }).waitFor();
      expect(onCallAt(env.carepoint.carepoint.rota.current()!, FIGURES_NOW)).toMatchObject({ primary: { id: 'kim' } });
      expect(await page.locator('dl[aria-labelledby="now-heading"]').innerText()).toMatch(/Primary\s+Kim Evans \(kim\)/);
      results['rota saved'] = await seriousViolations(page);
      await screenshot(page, 'rota-saved', ARTIFACTS);
    }, { bypassCSP: true });
    await inTab('bob', '/console/rota', async ({ page }) => {
      expect(await page.locator('h1').innerText()).toBe('You need the Admin role');
    });
    expect(results).toEqual({ 'rota with an error': [], 'rota saved': [] });
  }, 55_000);
});
