import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { recordLanguageItem, recordUncertainRisk } from '../../src/concerns/concern-queue.js';
import { claimConcern } from '../../src/concerns/sql/claim.js';
import { overdueKey } from '../../src/patient-updates/overdue-schedule.js';
import { engines, type OpenedEngine } from '../support/engines.js';

/** Every way a concern is raised schedules its overdue check; a sooner target moves it; a claim cancels it. */
describe.each(engines.filter((e) => e.available))('the overdue check on $name', (engine) => {
  let opened: OpenedEngine;
  beforeAll(async () => {
    opened = await engine.open();
  });
  afterAll(async () => {
    await opened?.cleanup();
  });

  const checks = async (concernId: string) => (await opened.db.query<{ state: string; in_minutes: number }>(
    `select state, round(extract(epoch from run_at - now()) / 60)::int as in_minutes from jobs where singleton_key = $1 order by id`, [overdueKey(concernId)],
  )).rows;
  const entry = () => ({ direction: 'in' as const, text: 'something', at: new Date().toISOString() });

  it('is scheduled when an item is raised, at its earliest due time, and moved to now when it becomes urgent', async () => {
    const conversationId = `bf:test:${randomUUID()}`;
    const requester = { channel: 'chat' as const, conversationId, requesterKey: `bf:test:${randomUUID()}` };
    const item = await recordLanguageItem(opened.db, systemClock, { ...requester, entry: entry(), language: { code: 'pl', name: 'Polish' }, urgent: false });
    expect(item.priority).toBe('soon');
    expect(await checks(item.id)).toEqual([{ state: 'pending', in_minutes: 60 }]);
    // A later message with risk words makes the same item urgent: its check looks again at once.
    const joined = await recordLanguageItem(opened.db, systemClock, { ...requester, entry: entry(), language: { code: 'pl', name: 'Polish' }, urgent: true });
    expect(joined).toMatchObject({ id: item.id, priority: 'urgent' });
    expect(await checks(item.id)).toEqual([{ state: 'cancelled', in_minutes: 60 }, { state: 'pending', in_minutes: 0 }]);

    const risk = await recordUncertainRisk(opened.db, systemClock, { channel: 'chat', conversationId: `bf:test:${randomUUID()}`, requesterKey: 'bf:test:x', entry: entry() });
    expect(await checks(risk.id)).toEqual([{ state: 'pending', in_minutes: 120 }]);
    await claimConcern(opened.db, risk.id, { id: 'sam', name: 'Sam Jones' }, 15);
    expect(await checks(risk.id)).toEqual([{ state: 'cancelled', in_minutes: 120 }]);
  });
});
