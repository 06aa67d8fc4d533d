import { clockTime, describeWorkingHours, isWorkingTime, nextOpening, type WorkingHours } from './working-hours.js';

export const PRIORITIES = ['emergency', 'urgent', 'soon', 'routine'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const URGENCIES = ['today', 'next-few-days', 'not-urgent'] as const;
export type Urgency = (typeof URGENCIES)[number];

const PRIORITY_OF_URGENCY: Record<Urgency, Priority> = {
  today: 'urgent',
  'next-few-days': 'soon',
  'not-urgent': 'routine',
};

export function priorityFor(urgency: Urgency): Priority {
  return PRIORITY_OF_URGENCY[urgency];
}

const WORKING_DAYS_TARGET: Partial<Record<Priority, number>> = { soon: 2, routine: 5 };
const IF_WORSE = 'If things get worse, call NHS 111, or 999 in an emergency.';

/**
 * What we tell the person to expect, once, with the one "call 111" line. True for the time of day: the team's
 * published targets in working hours, and outside them when the team will next see it (never a time that has
 * passed). On-call promises will come from the rota; until then nobody is reachable out of hours.
 */
export function expectationFor(priority: Priority, now: Date, hours: WorkingHours): string {
  const working = isWorkingTime(hours, now);
  const when = describeWorkingHours(hours);
  switch (priority) {
    case 'emergency':
      return working
        ? 'A co-ordinator has been alerted, but do not wait for us: call 999 first.'
        : `The care co-ordination team works ${when}, so nobody may see this until ${nextOpening(hours, now)}. Do not wait for us: call 999 first.`;
    case 'urgent':
      return working
        ? `A care co-ordinator aims to contact you today. If you have not heard by ${clockTime(hours.end)}, or things get worse, call NHS 111, or 999 in an emergency.`
        : `The care co-ordination team works ${when}, so they will see this ${nextOpening(hours, now)}. If it cannot wait until then, or things get worse, call NHS 111 now, or 999 in an emergency.`;
    default: {
      const target = `A care co-ordinator aims to contact you within ${WORKING_DAYS_TARGET[priority]} working days`;
      return working ? `${target}. ${IF_WORSE}` : `${target} (the team works ${when}). ${IF_WORSE}`;
    }
  }
}

/** SQL ordering that puts the most pressing first. */
export const PRIORITY_ORDER_SQL = `case priority when 'emergency' then 0 when 'urgent' then 1 when 'soon' then 2 else 3 end`;
