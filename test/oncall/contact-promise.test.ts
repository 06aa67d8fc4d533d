import { describe, expect, it } from 'vitest';
import { expectationFor } from '../../src/concerns/priority.js';
import { defaultWorkingHours, parseWorkingHours, type WorkingHours } from '../../src/concerns/working-hours.js';
import { contactPromise, overduePromise, type PromiseInput } from '../../src/oncall/contact-promise.js';
import { FULL_ROTA, WEEKDAY_ROTA, rotaOf } from './fixtures.js';

const hours = defaultWorkingHours();
const full = rotaOf(FULL_ROTA);
const weekdays = rotaOf(WEEKDAY_ROTA);
/** Weekdays only, and an override covering Boxing Day (Saturday 26 December 2026) in the daytime. */
const weekdaysAndBoxingDay = rotaOf(`${WEEKDAY_ROTA}overrides:\n  - { from: 2026-12-26T08:00, to: 2026-12-26T20:00, primary: alex, backup: kim }\n`);

const promise = (at: string, input: Partial<PromiseInput> = {}) =>
  contactPromise({ priority: 'urgent', now: new Date(at), hours, rota: full, oldestWaiting: undefined, contactMinutes: 120, ...input });

const WITHIN_2_HOURS = 'Someone on call will contact you within 2 hours. If things get worse, call NHS 111, or 999 in an emergency.';

describe('what an urgent concern is promised, from the rota, the queue and the time', () => {
  it('at 10:00 on a weekday, with someone on call: contact within 2 hours', () => {
    expect(promise('2026-12-02T10:00:00Z')).toBe(WITHIN_2_HOURS);
  });

  it('at 23:00, with the night shift on call: the same promise, not "tomorrow"', () => {
    expect(promise('2026-12-02T23:00:00Z')).toBe(WITHIN_2_HOURS);
  });

  it('over a holiday the override decides: on Boxing Day the override keeps the promise the shifts could not', () => {
    expect(promise('2026-12-26T10:00:00Z', { rota: weekdaysAndBoxingDay })).toBe(WITHIN_2_HOURS);
    expect(promise('2026-12-26T10:00:00Z', { rota: weekdays })).toMatch(/^No one is on call right now\./);
    // Christmas Day, a Friday: the override (alex) is on call, not the weekday shift.
    expect(promise('2026-12-25T10:00:00Z')).toBe(WITHIN_2_HOURS);
  });

  it('in a rota gap says so, and says when someone is next there, with the safety net', () => {
    // Friday 23:00: no night cover on Fridays; the team (here working Saturdays too) is back first.
    const monToSat = parseWorkingHours('Mon-Sat 08:00-18:00') as WorkingHours;
    expect(promise('2026-12-04T23:00:00Z', { rota: weekdays, hours: monToSat })).toBe(
      'No one is on call right now. The co-ordination team is back at 8am tomorrow (Saturday): they will contact you then. ' +
        'If it cannot wait, or things get worse, call NHS 111 now, or 999 in an emergency.',
    );
    // Saturday morning, the team off until Monday: on-call cover comes back first (Monday 08:00, the same time).
    expect(promise('2026-12-05T10:00:00Z', { rota: weekdays })).toBe(
      'No one is on call right now. Someone will be on call again at 8am on Monday: they will contact you then. ' +
        'If it cannot wait, or things get worse, call NHS 111 now, or 999 in an emergency.',
    );
  });

  it('never promises past the end of cover: at 17:00 on a Friday cover ends at 6pm', () => {
    expect(promise('2026-12-04T17:00:00Z', { rota: weekdays })).toMatch(/cover ends at 6pm today, so we cannot promise/);
  });

  it('does not promise a time the queue is already behind', () => {
    const now = new Date('2026-12-02T10:00:00Z');
    expect(promise(now.toISOString(), { oldestWaiting: new Date(now.getTime() - 3 * 3600_000) })).toMatch(/already busy with other urgent concerns, so we cannot promise a time/);
    expect(promise(now.toISOString(), { oldestWaiting: new Date(now.getTime() - 30 * 60_000) })).toBe(WITHIN_2_HOURS);
  });

  it('tells an emergency the person on call was alerted only when someone is on call', () => {
    expect(promise('2026-12-02T23:00:00Z', { priority: 'emergency' })).toBe('The person on call has been alerted, but do not wait for us: call 999 first.');
    expect(promise('2026-12-05T10:00:00Z', { priority: 'emergency', rota: weekdays })).toBe(
      'No one is on call right now, so nobody may see this until 8am on Monday. Do not wait for us: call 999 first.',
    );
  });

  it('leaves routine concerns, and every concern without a rota, to the working-hours promise', () => {
    const at = new Date('2026-12-02T23:00:00Z');
    expect(promise(at.toISOString(), { priority: 'routine' })).toBe(expectationFor('routine', at, hours));
    expect(promise(at.toISOString(), { rota: undefined })).toBe(expectationFor('urgent', at, hours));
  });
});

describe('what happens next for a concern past its target time (overduePromise)', () => {
  const next = (at: string, input: Partial<Parameters<typeof overduePromise>[0]> = {}) =>
    overduePromise({ priority: 'urgent', now: new Date(at), hours, rota: full, ...input });

  it('with someone on call: they have been alerted, and no time is promised', () => {
    expect(next('2026-12-02T23:00:00Z')).toBe(
      'The person on call has been alerted and will contact you as soon as they can, but we cannot promise a time. ' +
        'If it cannot wait, or things get worse, call NHS 111 now, or 999 in an emergency.',
    );
    expect(next('2026-12-02T23:00:00Z', { priority: 'emergency' })).toMatch(/but we cannot promise a time\. If this is an emergency, call 999 now\.$/);
  });

  it('in working hours without cover for it (a soon concern, or no rota): still in the queue, no time promised', () => {
    expect(next('2026-12-02T11:00:00Z', { priority: 'soon' })).toMatch(/^It is still in the care co-ordinators' queue and one will contact you as soon as they can, but we cannot promise a time\./);
    expect(next('2026-12-02T11:00:00Z', { rota: undefined })).toMatch(/^It is still in the care co-ordinators' queue/);
  });

  it('out of hours in a rota gap: when someone is next there', () => {
    expect(next('2026-12-04T23:00:00Z', { rota: weekdays })).toBe(
      'Someone will be on call again at 8am on Monday and will see it then. If it cannot wait, or things get worse, call NHS 111 now, or 999 in an emergency.',
    );
  });
});
