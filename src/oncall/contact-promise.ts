import { expectationFor, type Priority } from '../concerns/priority.js';
import { isWorkingTime, type WorkingHours } from '../concerns/working-hours.js';
import { onCallAt } from './on-call.js';
import type { Rota } from './rota.js';

export interface PromiseInput {
  priority: Priority;
  now: Date;
  hours: WorkingHours;
  /** The rota in force; undefined: no on-call cover, and the team's working hours alone decide. */
  rota: Rota | undefined;
  /** When the unclaimed emergency or urgent concern waiting longest was raised: how far behind the queue is. */
  oldestWaiting: Date | undefined;
  /** ONCALL_CONTACT_MINUTES: what an urgent concern is promised while someone is on call. */
  contactMinutes: number;
}

const IF_WORSE = 'If things get worse, call NHS 111, or 999 in an emergency.';
const CANNOT_WAIT = 'If it cannot wait, or things get worse, call NHS 111 now, or 999 in an emergency.';

/**
 * What a person is told to expect after a concern, from the rota, the queue and the priority: a time only when
 * the rota can keep it (someone on call throughout, and the queue not already behind it); otherwise when someone
 * will next be there, said plainly, with 111 and 999. Routine and soon concerns wait for the team's working days
 * (expectationFor); so does everything when there is no rota.
 */
export function contactPromise(input: PromiseInput): string {
  const { priority, now, hours, rota } = input;
  if (!rota || (priority !== 'urgent' && priority !== 'emergency')) return expectationFor(priority, now, hours);
  const cover = onCallAt(rota, now);
  if (priority === 'emergency') {
    if (cover.source !== 'gap') return 'The person on call has been alerted, but do not wait for us: call 999 first.';
    if (isWorkingTime(hours, now)) return expectationFor(priority, now, hours);
    const back = nextHelp(input);
    return `No one is on call right now, so nobody may see this until ${back.when.replace(/^at /, '')}. Do not wait for us: call 999 first.`;
  }
  if (cover.source === 'gap') {
    if (isWorkingTime(hours, now)) return expectationFor(priority, now, hours);
    const back = nextHelp(input);
    return `No one is on call right now. ${back.who} ${back.when}: they will contact you then. ${CANNOT_WAIT}`;
  }
  const behind = input.oldestWaiting !== undefined && now.getTime() - input.oldestWaiting.getTime() > input.contactMinutes * 60_000;
  if (behind) {
    return `Someone on call has been alerted, but they are already busy with other urgent concerns, so we cannot promise a time. ${CANNOT_WAIT}`;
  }
  const end = new Date(now.getTime() + input.contactMinutes * 60_000);
  const gapAt = firstGapBefore(rota, now, end);
  if (gapAt) {
    return `Someone on call has been alerted, but on-call cover ends ${whenSaid(gapAt, now, rota.timeZone)}, so we cannot promise they will reach you before then. ${CANNOT_WAIT}`;
  }
  return `Someone on call will contact you within ${duration(input.contactMinutes)}. ${IF_WORSE}`;
}

/**
 * What happens next for a concern already past its target time with nobody in touch (src/patient-updates): never a
 * time, since one was missed; who has it now, or when someone will next be there, from the rota and the working
 * hours; then where to go meanwhile.
 */
export function overduePromise(input: Pick<PromiseInput, 'priority' | 'now' | 'hours' | 'rota'>): string {
  const { priority, now, hours, rota } = input;
  const meanwhile = priority === 'emergency' ? 'If this is an emergency, call 999 now.' : CANNOT_WAIT;
  const paged = priority === 'urgent' || priority === 'emergency';
  if (paged && rota && onCallAt(rota, now).source !== 'gap') {
    return `The person on call has been alerted and will contact you as soon as they can, but we cannot promise a time. ${meanwhile}`;
  }
  if (isWorkingTime(hours, now)) {
    return `It is still in the care co-ordinators' queue and one will contact you as soon as they can, but we cannot promise a time. ${meanwhile}`;
  }
  const back = nextHelp(input);
  return `${back.who} ${back.when} and will see it then. ${meanwhile}`;
}

/** The first instant in [from, to) with no one on call, walking the rota's changes; undefined when covered throughout. */
export function firstGapBefore(rota: Rota, from: Date, to: Date): Date | undefined {
  let at = from;
  for (let guard = 0; guard < 100 && at < to; guard++) {
    const cover = onCallAt(rota, at);
    if (cover.source === 'gap') return at;
    if (!cover.until) return undefined;
    at = cover.until;
  }
  return undefined;
}

/** Whichever comes first: someone on call again, or the team's next working hours. */
export function nextHelp(input: Pick<PromiseInput, 'rota' | 'now' | 'hours'>): { who: string; when: string } {
  const { rota, now, hours } = input;
  const coverBack = rota ? onCallAt(rota, now).until : undefined;
  const opening = nextWorkingStart(hours, now);
  const zone = rota?.timeZone ?? hours.timeZone;
  if (coverBack && (!opening || coverBack <= opening)) return { who: 'Someone will be on call again', when: whenSaid(coverBack, now, zone) };
  if (opening) return { who: 'The co-ordination team is back', when: whenSaid(opening, now, hours.timeZone) };
  return { who: 'The co-ordination team is back', when: 'in working hours' };
}

/** The next start of working time after `now`, to the minute (a week ahead at most). */
function nextWorkingStart(hours: WorkingHours, now: Date): Date | undefined {
  const step = 60_000;
  let t = Math.ceil(now.getTime() / step) * step;
  const limit = t + 8 * 24 * 60 * step;
  // Whole quarter-hours first, then back to the exact minute: working hours start on the minute.
  for (; t < limit; t += 15 * step) {
    if (isWorkingTime(hours, new Date(t))) {
      let start = t;
      while (start - step > now.getTime() && isWorkingTime(hours, new Date(start - step))) start -= step;
      return new Date(start);
    }
  }
  return undefined;
}

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

function localParts(at: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'long', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { weekday: part('weekday'), date: `${part('year')}-${part('month')}-${part('day')}`, hour: Number(part('hour')), minute: Number(part('minute')) };
}

/** "at 8am tomorrow (Saturday)", "at 6pm today", "at 8:30am on Monday", on the given zone's wall clock. */
export function whenSaid(at: Date, now: Date, timeZone: string): string {
  const when = localParts(at, timeZone);
  const today = localParts(now, timeZone);
  const tomorrow = localParts(new Date(now.getTime() + 24 * 3600_000), timeZone);
  const suffix = when.hour < 12 ? 'am' : 'pm';
  const h12 = when.hour % 12 === 0 ? 12 : when.hour % 12;
  const time = `${h12}${when.minute ? `:${String(when.minute).padStart(2, '0')}` : ''}${suffix}`;
  if (when.date === today.date) return `at ${time} today`;
  if (when.date === tomorrow.date) return `at ${time} tomorrow (${when.weekday})`;
  const days = (at.getTime() - now.getTime()) / (24 * 3600_000);
  return days < 6.5 && WEEKDAYS.includes(when.weekday) ? `at ${time} on ${when.weekday}` : `at ${time} on ${when.date}`;
}

/** "2 hours", "90 minutes", "1 hour". */
function duration(minutes: number): string {
  if (minutes % 60 === 0) return minutes === 60 ? '1 hour' : `${minutes / 60} hours`;
  return `${minutes} minutes`;
}
