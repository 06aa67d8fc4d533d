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

/**
 * What we tell the patient to expect. Kept truthful and in one place: these are the service's
 * published targets, not promises the software can keep on its own.
 */
const EXPECTATION: Record<Priority, string> = {
  emergency: 'A co-ordinator has been alerted, but do not wait for us: call 999 first.',
  urgent: 'A care co-ordinator aims to contact you today. If you have not heard by 6pm, or things get worse, call NHS 111.',
  soon: 'A care co-ordinator aims to contact you within 2 working days.',
  routine: 'A care co-ordinator aims to contact you within 5 working days.',
};

export function expectationFor(priority: Priority): string {
  return EXPECTATION[priority];
}

/** SQL ordering that puts the most pressing first. */
export const PRIORITY_ORDER_SQL = `case priority when 'emergency' then 0 when 'urgent' then 1 when 'soon' then 2 else 3 end`;
