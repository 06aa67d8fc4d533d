import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axePath = createRequire(import.meta.url).resolve('axe-core');

export interface AxeProblem {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * axe-core's WCAG 2.x A and AA rules (up to 2.2) on the page as it is now: the violations that are serious or
 * critical. The source is evaluated through the browser's debugging protocol, so the page's own
 * Content-Security-Policy (no inline scripts) stays as it is in production.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeProblem[]> {
  const source = await readFile(axePath, 'utf8');
  await page.evaluate(source);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(context: Document, options: unknown): Promise<{ passes: unknown[]; violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
    // No rule passing at all would mean axe checked nothing (an empty page, or the rules not loaded).
    if (result.passes.length === 0) throw new Error('axe-core ran no rule on this page');
    return result.violations.map((v) => ({ id: v.id, impact: v.impact ?? 'unknown', help: v.help, targets: v.nodes.map((n) => String(n.target)) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
