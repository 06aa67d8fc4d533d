import type { QueueItem } from './concern-queue.js';
import { labelOf } from './model.js';

/** One paragraph a co-ordinator reads first: who, what, how soon, how to reach them, and where it stands. */
export function summaryParagraph(item: QueueItem, earlier: number): string {
  const d = item.details;
  const parts: string[] = [];
  if (typeof d.description === 'string') {
    const who = d.subject === 'someone-else' ? `A carer (${d.relationship ?? 'relationship not given'}) writes about` : 'The patient writes about';
    const person = [d.name, d.dateOfBirth ? `born ${d.dateOfBirth}` : undefined].filter(Boolean).join(', ');
    parts.push(`${who} ${person || 'themselves'}${d.pathway ? ` (${labelOf(d.pathway)})` : ''}: ${labelOf(String(d.kind ?? 'other')).toLowerCase()}. "${d.description}"`);
    if (d.urgency) parts.push(`Wanted: ${labelOf(d.urgency).toLowerCase()}.`);
    if (d.contactMethod) parts.push(`Contact by ${labelOf(d.contactMethod).toLowerCase()}${d.phone ? ` on ${d.phone}` : ''}, ${labelOf(String(d.contactTime ?? 'any-time')).toLowerCase()}.`);
  } else {
    parts.push(`${item.summary}.`);
  }
  parts.push(`Raised by ${item.channel === 'sms' ? 'SMS' : 'chat'} at ${item.createdAt}, ${item.priority}, ${item.status}${item.claimedBy ? ` (claimed by ${item.claimedBy.name})` : ''}${item.outcome ? `, outcome: ${labelOf(item.outcome)}` : ''}.`);
  if (item.leaseExpired) parts.push('A claim on it ran out unattended.');
  if (item.contactProblem) parts.push(`Contact problem: ${item.contactProblem.advice}`);
  if (earlier > 0) parts.push(`${earlier} earlier concern${earlier === 1 ? '' : 's'} from the same person.`);
  return parts.join(' ');
}
